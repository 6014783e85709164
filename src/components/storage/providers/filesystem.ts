import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as fsp from 'fs/promises';
import * as path from 'path';
import { Readable, Writable } from 'stream';
import { ConfigurationError } from '../../../errors';
import { containerExists, containerNotFound, fileNotFound } from '../names';
import type { ByteRange, ContainerInfo, FileInfo, StorageProvider, WriteOptions } from './provider';

/**
 * Containers are folders of the `root` folder, files the files in them. A file is written to a
 * dot-led temporary file beside its target (never listed: names cannot start with a dot) and
 * renamed over the target once whole and synced, so a reader sees the old file or the new one,
 * never a part; a write that fails or is abandoned removes its temporary file.
 *
 * The root is created when first needed. A relative root is taken from the app's folder as LB3
 * did (the parent of the started script's folder: the project for `node server/server.js`).
 */
export class FileSystemProvider implements StorageProvider {
  readonly name = 'filesystem';
  readonly root: string;
  private rootReady: Promise<void> | undefined;

  constructor(settings: Record<string, unknown>) {
    const root = typeof settings.root === 'string' && settings.root !== '' ? settings.root : 'storage';
    this.root = path.isAbsolute(root) ? root : path.resolve(appFolder(), root);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(this.root);
    } catch {
      stat = undefined;
    }
    if (stat && !stat.isDirectory())
      throw new ConfigurationError(
        `The storage root ${this.root} is not a folder`,
        'STORAGE_PROVIDER_UNSUPPORTED',
      );
  }

  private ensureRoot(): Promise<void> {
    this.rootReady ??= fsp.mkdir(this.root, { recursive: true }).then(() => undefined);
    return this.rootReady;
  }

  private async containerDir(container: string): Promise<string> {
    await this.ensureRoot();
    const dir = path.join(this.root, container);
    const stat = await fsp.stat(dir).catch(() => undefined);
    if (!stat || !stat.isDirectory()) throw containerNotFound(container);
    return dir;
  }

  async listContainers(): Promise<ContainerInfo[]> {
    await this.ensureRoot();
    const entries = await fsp.readdir(this.root, { withFileTypes: true });
    const out: ContainerInfo[] = [];
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const stat = await fsp.stat(path.join(this.root, e.name)).catch(() => undefined);
      if (stat) out.push(containerInfo(e.name, stat));
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getContainer(container: string): Promise<ContainerInfo> {
    const dir = await this.containerDir(container);
    return containerInfo(container, await fsp.stat(dir));
  }

  async createContainer(container: string): Promise<ContainerInfo> {
    await this.ensureRoot();
    const dir = path.join(this.root, container);
    try {
      await fsp.mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw containerExists(container);
      throw err;
    }
    return containerInfo(container, await fsp.stat(dir));
  }

  async destroyContainer(container: string): Promise<void> {
    const dir = await this.containerDir(container);
    await fsp.rm(dir, { recursive: true, force: true });
  }

  async listFiles(container: string): Promise<FileInfo[]> {
    const dir = await this.containerDir(container);
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    const out: FileInfo[] = [];
    for (const e of entries) {
      if (!e.isFile() || e.name.startsWith('.')) continue;
      const stat = await fsp.stat(path.join(dir, e.name)).catch(() => undefined);
      if (stat) out.push(fileInfo(container, e.name, stat));
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getFile(container: string, file: string): Promise<FileInfo> {
    const dir = await this.containerDir(container);
    const stat = await fsp.stat(path.join(dir, file)).catch(() => undefined);
    if (!stat || !stat.isFile()) throw fileNotFound(container, file);
    return fileInfo(container, file, stat);
  }

  async removeFile(container: string, file: string): Promise<void> {
    await this.getFile(container, file);
    await fsp.unlink(path.join(this.root, container, file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw fileNotFound(container, file);
      throw err;
    });
  }

  createWriteStream(container: string, file: string, _options: WriteOptions): Writable {
    return new AtomicFileWriter(this, container, file);
  }

  /** Opened before it resolves, so a missing file rejects rather than failing mid-answer. */
  async createReadStream(container: string, file: string, range?: ByteRange): Promise<Readable> {
    const dir = await this.containerDir(container);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path.join(dir, file), 'r');
    } catch (err) {
      if (
        (err as NodeJS.ErrnoException).code === 'ENOENT' ||
        (err as NodeJS.ErrnoException).code === 'EISDIR'
      )
        throw fileNotFound(container, file);
      throw err;
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  /** For the writer: the folder of a container that exists. */
  folderOf(container: string): Promise<string> {
    return this.containerDir(container);
  }
}

/** Writes to `.upload-<uuid>` in the container, fsyncs, renames over the target on finish. */
class AtomicFileWriter extends Writable {
  private handle: fsp.FileHandle | undefined;
  private temp: string | undefined;
  private target: string | undefined;
  private committed = false;

  constructor(
    private readonly provider: FileSystemProvider,
    private readonly container: string,
    private readonly file: string,
  ) {
    super();
    // LB3's streams said 'success' when the file was stored.
    this.on('finish', () => this.emit('success', { container, name: file }));
  }

  override _construct(callback: (err?: Error | null) => void): void {
    this.provider
      .folderOf(this.container)
      .then(async (dir) => {
        this.target = path.join(dir, this.file);
        this.temp = path.join(dir, `.upload-${randomUUID()}`);
        this.handle = await fsp.open(this.temp, 'wx', 0o644);
      })
      .then(() => callback(), callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.handle!.write(chunk).then(() => callback(), callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (err?: Error | null) => void): void {
    this.handle!.writev(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    const handle = this.handle!;
    (async () => {
      await handle.datasync();
      await handle.close();
      this.handle = undefined;
      await fsp.rename(this.temp!, this.target!);
      this.committed = true;
    })().then(() => callback(), callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    (async () => {
      if (this.handle) await this.handle.close().catch(() => undefined);
      this.handle = undefined;
      if (!this.committed && this.temp) await fsp.rm(this.temp, { force: true }).catch(() => undefined);
    })().then(() => callback(err));
  }
}

function containerInfo(name: string, stat: fs.Stats): ContainerInfo {
  return { name, size: stat.size, atime: stat.atime, mtime: stat.mtime, ctime: stat.ctime };
}

function fileInfo(container: string, name: string, stat: fs.Stats): FileInfo {
  return { container, name, size: stat.size, atime: stat.atime, mtime: stat.mtime, ctime: stat.ctime };
}

/** LB3's base for a relative root: the parent of the started script's folder, else the working folder. */
function appFolder(): string {
  const main = require.main?.filename;
  return main ? path.dirname(path.dirname(main)) : process.cwd();
}
