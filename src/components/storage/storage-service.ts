import { PassThrough, Readable, Writable, pipeline } from 'stream';
import type { IncomingMessage, ServerResponse } from 'http';
import { withCallback, type NodeCallback } from '../../util/callback';
import { checkName } from './names';
import { createProvider } from './providers/create-provider';
import type { ContainerInfo, FileInfo, StorageProvider } from './providers/provider';
import { REMOTE_DECLARATIONS } from './remote-declarations';
import { handleUpload, type UploadOptions, type UploadResult } from './upload';
import { handleDownload } from './download';

/** The options of a storage data source that shape uploads (per call they may be overridden). */
const UPLOAD_SETTINGS = [
  'getFilename',
  'nameConflict',
  'maxFileSize',
  'allowedContentTypes',
  'acl',
  'maxFieldsSize',
  'maxFiles',
  'maxFields',
] as const;

/** S3 upload parameters LB3 passed through from the data source settings. */
const S3_UPLOAD_PARAMS = [
  'StorageClass',
  'CacheControl',
  'ServerSideEncryption',
  'SSEKMSKeyId',
  'SSECustomerAlgorithm',
  'SSECustomerKey',
  'SSECustomerKeyMD5',
] as const;

type Callback<T> = NodeCallback<T> | undefined;

/** A function models get; it carries its remote declaration (`shared`, `accepts`, `returns`, `http`). */
type ServiceFunction = ((...args: any[]) => unknown) & Record<string, unknown>;

/**
 * The storage service: LB3's `StorageService`, the connector of a `"connector": "storage"` data
 * source — a service connector (juggler's store-kinds.ts, met by shape: a component imports none
 * of loopline's insides). Its methods are the Node API (each takes an optional callback and
 * otherwise returns a promise); a model attached to the data source gets them as statics
 * (`DataAccessObject`), with their REST routes.
 */
export class StorageService {
  readonly kind = 'service' as const;
  readonly name = 'storage';
  readonly provider: StorageProvider;
  readonly settings: Record<string, unknown>;
  readonly DataAccessObject: Readonly<Record<string, ServiceFunction>>;

  constructor(settings: Record<string, unknown> = {}) {
    this.settings = settings;
    this.provider = createProvider(settings);
    this.DataAccessObject = Object.freeze(this.buildDataAccessObject());
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }

  getContainers(cb?: Callback<ContainerInfo[]>) {
    return withCallback(
      this.provider.listContainers().then((list) => list.map(withMetadata)),
      cb,
    );
  }

  /** `createContainer({name})`; a bare name is taken too. */
  createContainer(options: unknown, cb?: Callback<ContainerInfo>) {
    const run = async () => {
      const name =
        typeof options === 'string' ? options : (options as { name?: unknown } | null | undefined)?.name;
      return withMetadata(await this.provider.createContainer(checkName(name, 'container')));
    };
    return withCallback(run(), cb);
  }

  destroyContainer(container: string, cb?: Callback<void>) {
    return withCallback(
      Promise.resolve().then(() => this.provider.destroyContainer(checkName(container, 'container'))),
      cb,
    );
  }

  getContainer(container: string, cb?: Callback<ContainerInfo>) {
    return withCallback(
      Promise.resolve().then(async () =>
        withMetadata(await this.provider.getContainer(checkName(container, 'container'))),
      ),
      cb,
    );
  }

  /** `getFiles(container, [options], [cb])`. */
  getFiles(container: string, options?: unknown, cb?: Callback<FileInfo[]>) {
    if (typeof options === 'function') cb = options as NodeCallback<FileInfo[]>;
    return withCallback(
      Promise.resolve().then(async () =>
        (await this.provider.listFiles(checkName(container, 'container'))).map(withMetadata),
      ),
      cb,
    );
  }

  getFile(container: string, file: string, cb?: Callback<FileInfo>) {
    return withCallback(
      Promise.resolve().then(async () =>
        withMetadata(await this.provider.getFile(checkName(container, 'container'), checkName(file, 'file'))),
      ),
      cb,
    );
  }

  removeFile(container: string, file: string, cb?: Callback<void>) {
    return withCallback(
      Promise.resolve().then(() =>
        this.provider.removeFile(checkName(container, 'container'), checkName(file, 'file')),
      ),
      cb,
    );
  }

  /**
   * A stream to write a file into (LB3's `uploadStream(container, file, [options])`): 'finish'
   * once the file is stored whole, then 'success'. A bad name or a missing container is an
   * 'error' event; destroying the stream early stores nothing.
   */
  uploadStream(container: string, file: string, options?: unknown): Writable {
    const opts = options && typeof options === 'object' ? (options as Record<string, unknown>) : {};
    try {
      const contentType =
        typeof opts.contentType === 'string'
          ? opts.contentType
          : typeof opts.type === 'string'
            ? opts.type
            : undefined;
      return this.provider.createWriteStream(checkName(container, 'container'), checkName(file, 'file'), {
        contentType,
        acl: typeof opts.acl === 'string' ? opts.acl : undefined,
        extra: this.s3Params(opts),
      });
    } catch (err) {
      const failed = new Writable({ write: (_chunk, _enc, done) => done() });
      process.nextTick(() => failed.destroy(err as Error));
      return failed;
    }
  }

  /**
   * A stream of a file's bytes (LB3's `downloadStream(container, file, [options])`, with
   * `options.start` / `options.end` for a part). A bad name or a missing file is an 'error' event.
   */
  downloadStream(container: string, file: string, options?: unknown): Readable {
    const opts = options && typeof options === 'object' ? (options as Record<string, unknown>) : {};
    const out = new PassThrough();
    Promise.resolve()
      .then(async () => {
        const c = checkName(container, 'container');
        const f = checkName(file, 'file');
        let range: { start: number; end: number } | undefined;
        if (typeof opts.start === 'number') {
          const end = typeof opts.end === 'number' ? opts.end : (await this.provider.getFile(c, f)).size - 1;
          range = { start: opts.start, end };
        }
        const source = await this.provider.createReadStream(c, f, range);
        pipeline(source, out, () => undefined);
      })
      .catch((err: Error) => out.destroy(err));
    return out;
  }

  /**
   * LB3's `upload([container], req, res, [options], [cb])`: reads a multipart request, stores its
   * files, and resolves to `{files: {field: [file, ...]}, fields: {name: [value, ...]}}`.
   */
  upload(...args: unknown[]) {
    let cb: Callback<UploadResult>;
    if (typeof args[args.length - 1] === 'function') cb = args.pop() as NodeCallback<UploadResult>;
    let container: unknown;
    if (typeof args[0] === 'string' || args[0] === undefined || args[0] === null) container = args.shift();
    const [req, res, given] = args as [IncomingMessage, ServerResponse, Record<string, unknown> | undefined];
    const options: UploadOptions = { ...(given && typeof given === 'object' ? given : {}) };
    for (const key of UPLOAD_SETTINGS)
      if (options[key] === undefined && this.settings[key] !== undefined)
        (options as Record<string, unknown>)[key] = this.settings[key];
    options.extra = { ...this.s3Params(this.settings), ...this.s3Params(options as Record<string, unknown>) };
    const target =
      typeof container === 'string'
        ? container
        : typeof options.container === 'string'
          ? options.container
          : (req as { params?: Record<string, string> })?.params?.container;
    const run = async () => handleUpload(this.provider, checkName(target, 'container'), req, res, options);
    return withCallback(run(), cb);
  }

  /** LB3's `download(container, file, req, res, [cb])`: answers the request with the file. */
  download(container: string, file: string, req: IncomingMessage, res: ServerResponse, cb?: Callback<void>) {
    const run = async () =>
      handleDownload(
        this.provider,
        checkName(container, 'container'),
        checkName(file, 'file'),
        req,
        res,
        this.settings,
      );
    return withCallback(run(), cb);
  }

  private s3Params(source: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of S3_UPLOAD_PARAMS) if (source[key] !== undefined) out[key] = source[key];
    return out;
  }

  /** The functions models get: each calls this service and carries its REST declaration. */
  private buildDataAccessObject(): Record<string, ServiceFunction> {
    const dao: Record<string, ServiceFunction> = {};
    const methods: Array<keyof StorageService> = [
      'getContainers',
      'getContainer',
      'createContainer',
      'destroyContainer',
      'getFiles',
      'getFile',
      'removeFile',
      'upload',
      'download',
      'uploadStream',
      'downloadStream',
    ];
    for (const name of methods) {
      const method = this[name] as (...args: unknown[]) => unknown;
      const fn = ((...args: unknown[]) => method.apply(this, args)) as ServiceFunction;
      const declaration = REMOTE_DECLARATIONS[name];
      if (declaration) Object.assign(fn, { shared: true }, declaration);
      dao[name] = fn;
    }
    return dao;
  }
}

/** LB3's containers and files answered `getMetadata()`; kept, out of their JSON. */
function withMetadata<T extends object>(info: T): T {
  Object.defineProperty(info, 'getMetadata', {
    value: () => ({ ...info }),
    enumerable: false,
    configurable: true,
  });
  return info;
}
