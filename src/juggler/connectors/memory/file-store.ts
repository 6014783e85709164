import { promises as fs, readFileSync } from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { ConfigurationError } from '../../../errors';

/**
 * LB3's memory-connector file (observed from loopback-datasource-juggler 3.x with `file` set):
 * `{"ids": {"Customer": 14}, "models": {"Customer": {"1": "{\"name\":\"Jo\",\"id\":1}"}}}` —
 * the next auto-increment id per model, and each row as JSON text keyed by its id.
 */
export interface MemoryFileContent {
  ids: Record<string, number>;
  models: Record<string, Record<string, string>>;
}

/**
 * Persists the memory store to one JSON file, atomically: write a temp file in the same folder,
 * fsync it, rename it over the file, fsync the folder. A crash at any point leaves either the old
 * or the new file, never a torn one.
 *
 * Writes are coalesced: changes made while a write is in flight share the next write, so a burst
 * of N changes costs about two file writes, not N. A caller resolves only after a write that
 * includes its change has completed — an acknowledged change survives the process being killed.
 */
export class FileStore {
  private inFlight: Promise<void> | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    readonly file: string,
    private readonly snapshot: () => MemoryFileContent,
  ) {}

  /** The file's content, or undefined when there is no file (or it is empty). */
  load(): MemoryFileContent | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ConfigurationError(
        `The memory store file ${this.file} cannot be read: ${(err as Error).message}`,
      );
    }
    if (!text.trim()) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigurationError(
        `The memory store file ${this.file} is not valid JSON: ${(err as Error).message}`,
      );
    }
    const content = parsed as Partial<MemoryFileContent> | null;
    if (!isRecord(content) || !isRecord(content.ids ?? {}) || !isRecord(content.models ?? {})) {
      throw new ConfigurationError(
        `The memory store file ${this.file} is not in the memory connector's format ({"ids": {...}, "models": {...}})`,
      );
    }
    const models = content.models ?? {};
    for (const [model, rows] of Object.entries(models)) {
      if (!isRecord(rows) || Object.values(rows).some((r) => typeof r !== 'string')) {
        throw new ConfigurationError(
          `The memory store file ${this.file}: models.${model} must map ids to rows as JSON text`,
        );
      }
    }
    return {
      ids: (content.ids ?? {}) as Record<string, number>,
      models: models as Record<string, Record<string, string>>,
    };
  }

  /** Resolves once the store's state as of this call is on disk. */
  persist(): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = this.write().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    // The running write took its snapshot before this change: queue one more, shared by everyone
    // who asks until it starts.
    if (!this.pending) {
      this.pending = this.inFlight
        .catch(() => undefined)
        .then(() => {
          this.pending = undefined;
          return this.persist();
        });
    }
    return this.pending;
  }

  /** Resolves when no write is running or queued. */
  async flush(): Promise<void> {
    while (this.inFlight || this.pending) await (this.pending ?? this.inFlight)!.catch(() => undefined);
  }

  private async write(): Promise<void> {
    const text = JSON.stringify(this.snapshot(), null, 2);
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true });
    const tmp = path.join(
      dir,
      `.${path.basename(this.file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      const handle = await fs.open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, this.file);
    } catch (err) {
      await fs.unlink(tmp).catch(() => undefined);
      throw err;
    }
    await syncDir(dir);
  }
}

/** Makes the rename itself durable; not every platform can open a folder, which is fine. */
async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
