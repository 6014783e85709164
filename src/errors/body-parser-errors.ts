import { ERROR_CODES, type ErrorCode } from './table';

/**
 * body-parser (and zlib under it) reports failures with a `type` or a zlib `code`, but no code of
 * ours. This gives each the stable code and status the error table promises, wherever the parser
 * ran: in the REST handler or as `body-parser#json` in a middleware.json phase.
 */
const CODE_BY_TYPE = new Map<unknown, ErrorCode>([
  ['entity.parse.failed', 'MALFORMED_JSON'],
  ['entity.too.large', 'PAYLOAD_TOO_LARGE'],
  ['encoding.unsupported', 'UNSUPPORTED_ENCODING'],
  ['charset.unsupported', 'UNSUPPORTED_ENCODING'],
  ['request.size.invalid', 'MALFORMED_BODY'],
  ['request.aborted', 'MALFORMED_BODY'],
  ['parameters.too.many', 'MALFORMED_BODY'],
]);

/**
 * A form with more fields than `parameterLimit` keeps body-parser's 413, as LB3 answered it (the
 * README row of MALFORMED_BODY says so).
 */
const STATUS_BY_TYPE = new Map<unknown, number>([['parameters.too.many', 413]]);

interface BodyParserError {
  type?: unknown;
  code?: unknown;
  errno?: unknown;
  statusCode?: number;
  status?: number;
}

function recode(e: BodyParserError, code: ErrorCode, status: number = ERROR_CODES[code].status): void {
  e.code = code;
  e.statusCode = e.status = status;
}

export function withBodyErrorCode(err: unknown): unknown {
  if (!err || typeof err !== 'object') return err;
  const e = err as BodyParserError;
  const code = CODE_BY_TYPE.get(e.type);
  if (code) recode(e, code, STATUS_BY_TYPE.get(e.type));
  // A body that claims gzip or deflate but does not inflate.
  else if (typeof e.code === 'string' && e.code.startsWith('Z_') && typeof e.errno === 'number')
    recode(e, 'MALFORMED_BODY');
  return err;
}
