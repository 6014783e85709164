import type { Connector } from './connector';
import type { ModelDefinition } from '../model-definition';

/**
 * The stores LB3 ships besides data stores: a key-value store behind `KeyValueModel`, a mail
 * sender behind `Email`, and services that bring their models' methods themselves (the storage
 * component), and the remote store (another server's REST API). A data source holds one connector of one of these kinds; `kind` tells them apart
 * (a data connector has none, so third-party connectors need not declare it).
 */
export type AnyConnector =
  Connector | KeyValueConnector | MailSender | RemoteModelConnector | ServiceConnector;

/** A function a service gives its models; it may carry its remote declaration (`shared`, `accepts`, `returns`, `http`). */
export type ServiceFunction = ((...args: any[]) => unknown) & Record<string, unknown>;

/**
 * A service: its models store nothing through the DAO; they get the service's own methods instead
 * (LB3's `connector.DataAccessObject`), copied onto every model attached as statics, remote
 * declarations included, so they are served over REST like any remote method.
 */
export interface ServiceConnector {
  readonly kind: 'service';
  readonly name: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  readonly DataAccessObject: Readonly<Record<string, ServiceFunction>>;
}

/**
 * A key-value store. Keys live in one namespace per model; values come back as copies of what was
 * stored (objects, arrays, strings, numbers, booleans, Dates and Buffers keep their type). TTLs are
 * in milliseconds.
 */
export interface KeyValueConnector {
  readonly kind: 'key-value';
  readonly name: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** The value under `key`, or null when there is none (never set, deleted or expired). */
  get(model: string, key: string): Promise<unknown>;
  /** Stores `value` under `key`, replacing any previous value and TTL; `ttl` in ms, none = kept for good. */
  set(model: string, key: string, value: unknown, ttl: number | undefined): Promise<void>;
  /** Gives an existing key a TTL; false when the key does not exist (nothing changed). */
  expire(model: string, key: string, ttl: number): Promise<boolean>;
  /** The ms left before `key` expires; undefined when it has no TTL, null when the key does not exist. */
  ttl(model: string, key: string): Promise<number | undefined | null>;
  /** The model's keys matching the glob `match` (`*`, `?`, `[abc]`, `\` escapes), read in batches. */
  iterateKeys(model: string, match: string | undefined): AsyncIterator<string>;
  delete(model: string, key: string): Promise<void>;
  deleteAll(model: string): Promise<void>;
}

/** A mail sender: delivers a nodemailer message through the transport it names (`transport`, an alias) or the first one. */
export interface MailSender {
  readonly kind: 'mail';
  readonly name: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Sends the message; resolves to the transport's report (envelope, messageId, response). With no
   * transport configured nothing is sent and the message itself is the result, as LB3.
   */
  send(message: Record<string, unknown>): Promise<unknown>;
  /** True when at least one transport is configured. */
  readonly delivers: boolean;
}

/**
 * A store that is another server's REST API (LB3's remote connector): a model attached to it gets
 * methods that call the same model's routes on that server, in place of the local data access.
 */
export interface RemoteModelConnector {
  readonly kind: 'remote';
  readonly name: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Nothing to do: the server holds the schema (relations call it when they add a key property). */
  define(model: ModelDefinition): void;
  /** Called when a model is attached: its methods now call the server. */
  bindModel(Model: object): void;
}

export function isRemoteModelConnector(c: AnyConnector | undefined): c is RemoteModelConnector {
  return (c as { kind?: unknown } | undefined)?.kind === 'remote';
}

export function isDataConnector(c: AnyConnector): c is Connector {
  const kind = (c as { kind?: unknown }).kind;
  return kind === undefined || kind === 'data';
}

export function isKeyValueConnector(c: AnyConnector | undefined): c is KeyValueConnector {
  return (c as { kind?: unknown } | undefined)?.kind === 'key-value';
}

export function isMailSender(c: AnyConnector | undefined): c is MailSender {
  return (c as { kind?: unknown } | undefined)?.kind === 'mail';
}

export function isServiceConnector(c: AnyConnector | undefined): c is ServiceConnector {
  return (c as { kind?: unknown } | undefined)?.kind === 'service';
}
