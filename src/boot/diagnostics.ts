import { BootError } from './errors';
import { rel } from './json-file';

/** A finding about an app folder: which file, where inside it, what, and a stable code. */
export interface BootDiagnostic {
  file: string;
  /** The JSON path inside the file (`relations.author.model`), or '' for the file as a whole. */
  path: string;
  message: string;
  code: string;
}

interface WarnLogger {
  warn(obj: Record<string, unknown>, message: string): void;
}

/**
 * Boot's findings. An error stops boot (a BootError whose message starts with the file); a warning
 * is logged through the app's logger at `warn` and boot goes on, unless boot is strict, where every
 * warning is an error.
 */
export class BootDiagnostics {
  readonly warnings: BootDiagnostic[] = [];

  constructor(
    readonly strict: boolean,
    private readonly logger: () => WarnLogger,
  ) {}

  static text(d: BootDiagnostic): string {
    return `${rel(d.file)}: ${d.path ? `${d.path}: ` : ''}${d.message}`;
  }

  error(file: string, path: string, message: string, code: string): never {
    throw new BootError(BootDiagnostics.text({ file, path, message, code }), code);
  }

  warn(file: string, path: string, message: string, code: string): void {
    const d = { file, path, message, code };
    if (this.strict) throw new BootError(`${BootDiagnostics.text(d)} (an error in strict boot mode)`, code);
    this.warnings.push(d);
    this.logger().warn({ code, file: rel(file), path }, BootDiagnostics.text(d));
  }
}

/** Whether boot is strict: the boot option, else config.json's `bootStrict`, else LOOPLINE_BOOT_STRICT=1. */
export function isStrictBoot(
  option: boolean | undefined,
  configured: unknown,
  env: string | undefined,
): boolean {
  if (typeof option === 'boolean') return option;
  if (typeof configured === 'boolean') return configured;
  return env === '1' || env === 'true';
}
