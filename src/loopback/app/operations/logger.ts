import type { IncomingMessage, ServerResponse } from 'http';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { ConfigurationError } from '../../../errors';
import { redactUrl } from '../../../util/redact-url';

export type { Logger } from 'pino';

/** config.json's `logging`. */
export interface LoggingSettings {
  /** pino's level name (`trace` … `fatal`, or `silent`); by default `info`, and `silent` under NODE_ENV=test. */
  level?: string;
  /** One line per request through pino-http (off by default). */
  requests?: boolean;
  /** Readable lines through pino-pretty when it is installed; by default in development only. */
  pretty?: boolean;
}

/** pino is loaded with the first logger (tens of ms cold), not by `require('loopline')`: a CLI command needs none. */
function pinoModule(): typeof import('pino') {
  return require('pino');
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * What log lines must never carry: the token LB3 reads from `Authorization`, `X-Access-Token` or
 * an `access_token` cookie, other cookies, and passwords of any object an app logs.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-access-token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-access-token"]',
  'headers.cookie',
  'password',
  '*.password',
  'access_token',
  '*.access_token',
];

type LoggedRequest = IncomingMessage & { id?: unknown; originalUrl?: string };

/**
 * The request as a log line shows it: the URL with any access token in its query replaced (the
 * rest of the query is kept, so the line still says what was asked), and the headers (their
 * secrets go through REDACTED_PATHS).
 */
function requestFields(req: LoggedRequest): Record<string, unknown> {
  return {
    id: req.id,
    method: req.method,
    url: redactUrl(req.originalUrl ?? req.url ?? '/'),
    headers: req.headers,
    remoteAddress: req.socket?.remoteAddress,
  };
}

function responseFields(res: ServerResponse): Record<string, unknown> {
  return { statusCode: res.statusCode };
}

/** Serializers for `req`, `res` and `err`, used by app.logger and by the request lines alike. */
export const SERIALIZERS: Record<'req' | 'res' | 'err', (value: any) => unknown> = {
  req: (req: unknown) =>
    req && typeof req === 'object' && 'headers' in req ? requestFields(req as LoggedRequest) : req,
  res: (res: unknown) =>
    res && typeof res === 'object' && 'statusCode' in res && 'getHeader' in res
      ? responseFields(res as ServerResponse)
      : res,
  // An Error with its stack; the summary a 4xx line carries (no stack on purpose) as it is.
  err: (err: unknown) => (err instanceof Error ? pinoModule().stdSerializers.err(err) : err),
};

/** The settings of config.json's `logging`, checked: a typo in a level is an error at start, not silence. */
export function loggingSettings(value: unknown): LoggingSettings {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigurationError(
      'config.json: "logging" must be an object such as {"level": "info", "requests": true}',
    );
  const settings = value as Record<string, unknown>;
  if (
    settings.level !== undefined &&
    (typeof settings.level !== 'string' || !LEVELS.includes(settings.level))
  )
    throw new ConfigurationError(
      `config.json: logging.level must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(settings.level)}`,
    );
  for (const flag of ['requests', 'pretty'])
    if (settings[flag] !== undefined && typeof settings[flag] !== 'boolean')
      throw new ConfigurationError(
        `config.json: logging.${flag} must be true or false, not ${JSON.stringify(settings[flag])}`,
      );
  return settings as LoggingSettings;
}

/** The level when config.json names none: `LOOPLINE_LOG_LEVEL`, else quiet under test, else info. */
function defaultLevel(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.LOOPLINE_LOG_LEVEL;
  if (fromEnv && LEVELS.includes(fromEnv)) return fromEnv;
  return env.NODE_ENV === 'test' ? 'silent' : 'info';
}

/**
 * pino-pretty when development output may be readable and the optional dependency is installed;
 * plain JSON otherwise (production, or `--omit=optional`).
 */
function prettyStream(settings: LoggingSettings, env: NodeJS.ProcessEnv): DestinationStream | undefined {
  const wanted =
    settings.pretty ?? (env.NODE_ENV === undefined || env.NODE_ENV === '' || env.NODE_ENV === 'development');
  if (!wanted) return undefined;
  let pretty: (options: Record<string, unknown>) => DestinationStream;
  try {
    pretty = require('pino-pretty');
  } catch {
    return undefined;
  }
  return pretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    ignore: 'pid,hostname,req,res',
    translateTime: 'SYS:HH:MM:ss.l',
  });
}

/**
 * The app's logger: pino, with secrets redacted and the serializers above. Writes JSON lines to
 * stdout, to `destination` when one is given (tests give a memory stream), readable lines in
 * development when pino-pretty is installed.
 */
export function createLogger(
  settings: LoggingSettings = {},
  destination?: DestinationStream,
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  const checked = loggingSettings(settings);
  const options: LoggerOptions = {
    level: checked.level ?? defaultLevel(env),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: SERIALIZERS,
  };
  return pinoModule().pino(options, destination ?? prettyStream(checked, env));
}
