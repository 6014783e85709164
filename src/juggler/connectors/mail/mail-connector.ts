import nodemailer from 'nodemailer';
import { ConfigurationError } from '../../../errors';
import { debugFor } from '../../../util/debug';
import type { MailSender } from '../store-kinds';
import { createTransport, MailTransport } from './transports';

const debug = debugFor('connector:mail');

/**
 * LB3's `mail` connector (exported as `loopback.Mail`): the transports of a data source's
 * `transports` list (or its single `transport`), each found by its `alias` or its `type` as
 * written. A message goes through the transport its `transport` field names, else the first one.
 */
export class MailConnector implements MailSender {
  /** nodemailer, as LB3 exposed it on the connector. */
  static readonly mailer = nodemailer;
  readonly kind = 'mail';
  readonly name = 'mail';
  readonly mailer = nodemailer;
  readonly transports: MailTransport[] = [];
  readonly transportsIndex: Record<string, MailTransport> = Object.create(null);

  constructor(settings: Record<string, unknown> = {}) {
    if (!settings || typeof settings !== 'object')
      throw new ConfigurationError('The mail connector needs a settings object');
    const list = settings.transports ?? (settings.transport ? [settings.transport] : []);
    if (!Array.isArray(list))
      throw new ConfigurationError(
        'The mail data source setting "transports" must be a list of transports',
        'MAIL_TRANSPORT_UNSUPPORTED',
      );
    for (const setting of list) this.setupTransport(setting as Record<string, unknown>);
  }

  get delivers(): boolean {
    return this.transports.length > 0;
  }

  /** Adds a transport (LB3's `setupTransport`), found later by its alias or type. */
  setupTransport(setting: Record<string, unknown>): void {
    if (!setting || typeof setting !== 'object')
      throw new ConfigurationError(
        'A mail transport must be an object such as {"type": "smtp", "host": …}',
        'MAIL_TRANSPORT_UNSUPPORTED',
      );
    const transport = createTransport(setting);
    const key = (setting.alias ?? setting.type ?? 'STUB') as string;
    this.transportsIndex[key] = transport;
    this.transports.push(transport);
  }

  transportForName(name: unknown): MailTransport | undefined {
    return typeof name === 'string' ? this.transportsIndex[name] : undefined;
  }

  defaultTransport(): MailTransport | undefined {
    return this.transports[0];
  }

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {
    for (const t of this.transports) t.close?.();
  }

  async send(message: Record<string, unknown>): Promise<unknown> {
    const { transport: name, ...mail } = message;
    const transport = this.transportForName(name) ?? this.defaultTransport();
    debug('sending to %s: %s (transport %s)', mail.to, mail.subject, name ?? 'default');
    // LB3: with no transport nothing is sent and the caller gets its message back.
    if (!transport) return message;
    return transport.sendMail(mail);
  }
}
