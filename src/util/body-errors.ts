/**
 * body-parser (and zlib under it) reports failures with a `type` or a zlib `code`, but no code of
 * ours. This gives each the stable code and status the error table promises, wherever the parser
 * ran: in the REST handler or as `body-parser#json` in a middleware.json phase.
 */
const BY_TYPE: Record<string, { code: string; status: number }> = {
  'entity.parse.failed': { code: 'MALFORMED_JSON', status: 400 },
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', status: 413 },
  'encoding.unsupported': { code: 'UNSUPPORTED_ENCODING', status: 415 },
  'charset.unsupported': { code: 'UNSUPPORTED_ENCODING', status: 415 },
  'request.size.invalid': { code: 'MALFORMED_BODY', status: 400 },
  'request.aborted': { code: 'MALFORMED_BODY', status: 400 },
  'parameters.too.many': { code: 'MALFORMED_BODY', status: 413 },
};

export function withBodyErrorCode(err: unknown): unknown {
  if (!err || typeof err !== 'object') return err;
  const e = err as {
    type?: unknown;
    code?: unknown;
    errno?: unknown;
    statusCode?: number;
    status?: number;
    expose?: boolean;
  };
  const known = typeof e.type === 'string' ? BY_TYPE[e.type] : undefined;
  if (known) {
    e.code = known.code;
    e.statusCode = e.status = known.status;
  } else if (typeof e.code === 'string' && e.code.startsWith('Z_') && typeof e.errno === 'number') {
    // A body that claims gzip or deflate but does not inflate.
    e.code = 'MALFORMED_BODY';
    e.statusCode = e.status = 400;
  }
  return err;
}
