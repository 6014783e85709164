import { LooplineError } from '../../errors';

const MAX_NAME_BYTES = 255;

/**
 * A container or file name is one path segment and nothing else: never empty, never `.`-led (no
 * `..`, no hidden files, and the providers' own temporary files are dot-led), no `/` or `\`, no
 * control character (NUL included), at most 255 bytes. Anything else is refused before a
 * provider sees it, so no name reaches outside the storage root.
 */
export function checkName(value: unknown, what: 'container' | 'file'): string {
  const problem = nameProblem(value);
  if (problem)
    throw new LooplineError(
      'INVALID_STORAGE_NAME',
      `Invalid ${what} name ${JSON.stringify(String(value))}: ${problem}`,
      { [what]: String(value) },
    );
  return value as string;
}

function nameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'a name must be a non-empty string';
  if (value.startsWith('.')) return 'a name must not start with a dot';
  if (/[/\\]/.test(value)) return 'a name must not hold a slash or backslash';
  if (value.includes('..')) return 'a name must not hold ".."';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'a name must not hold control characters';
  if (Buffer.byteLength(value) > MAX_NAME_BYTES) return `a name must be at most ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

export function containerNotFound(container: string): LooplineError {
  return new LooplineError('CONTAINER_NOT_FOUND', `Container not found: ${container}`, { container });
}

export function fileNotFound(container: string, file: string): LooplineError {
  return new LooplineError('FILE_NOT_FOUND', `File not found: ${file}`, { container, file });
}

export function containerExists(container: string): LooplineError {
  return new LooplineError('CONTAINER_EXISTS', `Container already exists: ${container}`, { container });
}
