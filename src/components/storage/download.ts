import type { IncomingMessage, ServerResponse } from 'http';
import { LooplineError } from '../../errors';
import type { ByteRange, StorageProvider } from './providers/provider';

/**
 * Answers a request with a file, streamed from the provider: Content-Type (from what the store
 * kept, else from the name's extension), Content-Length, ETag and Last-Modified (a matching
 * If-None-Match / If-Modified-Since answers 304), one `Range` (206 with Content-Range; 416 past
 * the end; several ranges get the whole file), `Content-Disposition` naming the file (attachment
 * by default; the `contentDisposition: "inline"` setting lets browsers show it), `nosniff`, and
 * `no-transform`.
 */
export async function handleDownload(
  provider: StorageProvider,
  container: string,
  file: string,
  req: IncomingMessage,
  res: ServerResponse,
  settings: Record<string, unknown>,
): Promise<void> {
  const info = await provider.getFile(container, file);
  const size = info.size;
  const etag = info.etag ?? `W/"${size.toString(16)}-${info.mtime.getTime().toString(16)}"`;
  const express = res as ServerResponse & { type?: (t: string) => unknown };
  if (info.type) res.setHeader('Content-Type', info.type);
  else if (typeof express.type === 'function') express.type(file);
  else res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', info.mtime.toUTCString());
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The bytes go out as stored: compression middleware leaves the answer alone, so its
  // Content-Length and byte ranges hold.
  res.setHeader('Cache-Control', 'no-transform');
  res.setHeader(
    'Content-Disposition',
    contentDisposition(settings.contentDisposition === 'inline' ? 'inline' : 'attachment', file),
  );

  if (notModified(req, etag, info.mtime)) {
    res.statusCode = 304;
    res.removeHeader('Content-Type');
    res.end();
    return;
  }
  let range: ByteRange | undefined;
  const asked = req.headers.range;
  if (typeof asked === 'string' && ifRangeHolds(req, etag, info.mtime)) {
    const parsed = parseRange(asked, size);
    if (parsed === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      throw new LooplineError(
        'RANGE_NOT_SATISFIABLE',
        `The range ${asked} is outside the file (${size} bytes)`,
      );
    }
    range = parsed;
  }
  if (range) {
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.statusCode = 200;
    res.setHeader('Content-Length', String(size));
  }
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  const source = await provider.createReadStream(container, file, range);
  await new Promise<void>((resolve, reject) => {
    // A failing store fails the answer; a client that goes away ends the read, and is no error.
    source.once('error', (err) => {
      res.destroy();
      reject(err);
    });
    res.once('close', () => {
      source.destroy();
      resolve();
    });
    source.pipe(res);
  });
}

/** Both file name forms: a plain quoted one (non-ASCII replaced) and the exact UTF-8 one. */
function contentDisposition(kind: string, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function notModified(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const noneMatch = req.headers['if-none-match'];
  if (typeof noneMatch === 'string') {
    const bare = (t: string) => t.trim().replace(/^W\//, '');
    return noneMatch.trim() === '*' || noneMatch.split(',').some((t) => bare(t) === bare(etag));
  }
  const since = req.headers['if-modified-since'];
  if (typeof since === 'string') {
    const time = Date.parse(since);
    return !Number.isNaN(time) && Math.floor(mtime.getTime() / 1000) * 1000 <= time;
  }
  return false;
}

/** `If-Range`: the range holds only while the file is the one the client has part of. */
function ifRangeHolds(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const ifRange = req.headers['if-range'];
  if (typeof ifRange !== 'string') return true;
  if (ifRange.includes('"')) return ifRange.trim() === etag && !etag.startsWith('W/');
  return Date.parse(ifRange) === Math.floor(mtime.getTime() / 1000) * 1000;
}

/**
 * One byte range of `bytes=a-b`, `bytes=a-` or `bytes=-n`, clamped to the file; undefined (the
 * whole file) for several ranges or a header that is no byte range; 'unsatisfiable' past the end.
 */
export function parseRange(header: string, size: number): ByteRange | undefined | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
