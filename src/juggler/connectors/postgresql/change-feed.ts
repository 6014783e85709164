import { Client, type ClientConfig } from 'pg';
import type { OperationOptions } from '../connector';
import { noticeText, type ChangeCarrier, type ChangeNotice } from '../change-feed';

/**
 * The PostgreSQL change feed: notices travel by NOTIFY on one channel (setting
 * `changeFeedChannel`, default `loopline_changes`) and arrive on a connection of their own that
 * LISTENs while this data source has change streams open. A NOTIFY payload holds at most 8000
 * bytes: the notices of one tick go as JSON arrays cut below that, and a notice that alone is too
 * big goes without its where and patch (receivers read the row by id). NOTIFY inside a
 * transaction is delivered at its commit, and not at all if it rolls back.
 */

/** Below PostgreSQL's 8000-byte NOTIFY payload limit, with room for the array's brackets. */
const PAYLOAD_LIMIT = 7900;
const RECONNECT_DELAY = 1000;

type Run = (sql: string, params: unknown[], options?: OperationOptions) => Promise<unknown>;

export class PostgreSQLChangeCarrier implements ChangeCarrier {
  private client: Client | undefined;
  private deliver: ((notice: ChangeNotice) => void) | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: Run,
    private readonly clientConfig: () => ClientConfig,
    private readonly channel: string,
    private readonly debug: (format: string, ...args: unknown[]) => void,
  ) {}

  /** Notices packed into payloads, each a JSON array within the limit. */
  private payloads(notices: ChangeNotice[]): string[] {
    const out: string[] = [];
    let current: string[] = [];
    let size = 2;
    for (const notice of notices) {
      const text = noticeText(notice, PAYLOAD_LIMIT - 2);
      if (text === undefined) continue;
      const bytes = Buffer.byteLength(text) + 1;
      if (current.length && size + bytes > PAYLOAD_LIMIT) {
        out.push(`[${current.join(',')}]`);
        current = [];
        size = 2;
      }
      current.push(text);
      size += bytes;
    }
    if (current.length) out.push(`[${current.join(',')}]`);
    return out;
  }

  private notifyStatement(count: number): string {
    return `SELECT ${Array.from({ length: count }, (_, i) => `pg_notify($1, $${i + 2})`).join(', ')}`;
  }

  async send(notices: ChangeNotice[]): Promise<void> {
    const payloads = this.payloads(notices);
    if (payloads.length) await this.run(this.notifyStatement(payloads.length), [this.channel, ...payloads]);
  }

  async sendInTransaction(notices: ChangeNotice[], options: OperationOptions): Promise<void> {
    const payloads = this.payloads(notices);
    if (payloads.length)
      await this.run(this.notifyStatement(payloads.length), [this.channel, ...payloads], options);
  }

  async listen(deliver: (notice: ChangeNotice) => void): Promise<void> {
    this.deliver = deliver;
    await this.connectListener();
  }

  private async connectListener(): Promise<void> {
    const client = new Client({ ...this.clientConfig(), query_timeout: undefined });
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel || !msg.payload) return;
      let notices: unknown;
      try {
        notices = JSON.parse(msg.payload);
      } catch {
        return;
      }
      for (const notice of Array.isArray(notices) ? notices : [notices])
        this.deliver?.(notice as ChangeNotice);
    });
    // A lost listening connection is made again while streams are open (notices meanwhile are missed).
    client.on('error', (err) => {
      this.debug('change feed connection lost: %s', err.message);
      if (this.client === client) this.client = undefined;
      this.scheduleReconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    this.client = client;
  }

  private scheduleReconnect(): void {
    if (!this.deliver || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.deliver || this.client) return;
      this.connectListener().catch((err: Error) => {
        this.debug('change feed reconnect failed: %s', err.message);
        this.scheduleReconnect();
      });
    }, RECONNECT_DELAY);
    this.retry.unref();
  }

  async unlisten(): Promise<void> {
    this.deliver = undefined;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  report(err: unknown): void {
    this.debug('change feed: %s', (err as Error)?.message ?? String(err));
  }
}
