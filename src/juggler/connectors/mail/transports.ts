import { promises as dns } from 'dns';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { ConfigurationError } from '../../../errors';

/** What the mail connector sends through: a nodemailer transport or one of the two below. */
export interface MailTransport {
  sendMail(message: Record<string, unknown>): Promise<unknown>;
  close?(): void;
}

type Setting = Record<string, unknown>;

/**
 * The transport an LB3 `transports` entry describes. `type` is case-insensitive, `STUB` when
 * absent (LB3): `smtp` takes nodemailer's SMTP options (host, port, secure, auth, tls, service…);
 * `stub` delivers nowhere and reports the message built; `direct` delivers to each recipient
 * domain's mail exchanger. The other types LB3 loaded from `nodemailer-<type>-transport` packages
 * are refused with a message naming the supported ones.
 */
export function createTransport(setting: Setting): MailTransport {
  const type = typeof setting.type === 'string' ? setting.type.toLowerCase() : 'stub';
  const { type: _t, alias: _a, ...options } = setting;
  if (type === 'smtp')
    return nodemailer.createTransport(options as SMTPTransport.Options) as unknown as MailTransport;
  if (type === 'stub') return stubTransport();
  if (type === 'direct') return directTransport(options);
  throw new ConfigurationError(
    `Mail transport type "${String(setting.type)}" is not supported; use "smtp", "direct" or "stub"`,
    'MAIL_TRANSPORT_UNSUPPORTED',
  );
}

/** A built message: the stream transport's answer, its `message` a Buffer as `buffer: true` asks. */
interface BuiltMessage extends StreamTransport.SentMessageInfo {
  message: Buffer;
}

/** Builds the message as it would go on the wire, without sending it. */
const builder = nodemailer.createTransport({ streamTransport: true, buffer: true });

function build(message: Setting): Promise<BuiltMessage> {
  return builder.sendMail(message as Mail.Options) as Promise<BuiltMessage>;
}

/**
 * LB3's stub transport answers `{envelope, messageId, response}`, `response` being the raw
 * message; nodemailer's own name for it, `message`, is given too.
 */
function stubTransport(): MailTransport {
  return {
    async sendMail(message) {
      const built = await build(message);
      return {
        envelope: built.envelope,
        messageId: built.messageId.replace(/[<>\s]/g, ''),
        response: built.message,
        message: built.message,
      };
    },
  };
}

/**
 * Delivery without a relay: recipients grouped by domain, each group sent over SMTP to the
 * domain's lowest-preference MX host (the domain itself when it has no MX record, RFC 5321 §5.1).
 * `port` (25), `name` (the HELO name) and `tls` are passed to the SMTP client; certificates of
 * mail exchangers are not verified unless `tls.rejectUnauthorized` says so, as MTAs do.
 */
function directTransport(options: Setting): MailTransport {
  const port = typeof options.port === 'number' ? options.port : 25;
  const tls = { rejectUnauthorized: false, ...((options.tls as object | undefined) ?? {}) };
  return {
    async sendMail(message) {
      const built = await build(message);
      const byDomain = new Map<string, string[]>();
      for (const rcpt of built.envelope.to) {
        const domain = rcpt.slice(rcpt.lastIndexOf('@') + 1).toLowerCase();
        byDomain.set(domain, [...(byDomain.get(domain) ?? []), rcpt]);
      }
      const accepted: Array<string | Mail.Address> = [];
      const responses: string[] = [];
      for (const [domain, to] of byDomain) {
        const host = await exchangerOf(domain);
        const smtp = nodemailer.createTransport({
          host,
          port,
          name: options.name as string | undefined,
          tls,
        });
        try {
          const info = await smtp.sendMail({
            envelope: { from: built.envelope.from || undefined, to },
            raw: built.message,
          });
          accepted.push(...(info.accepted ?? []));
          responses.push(String(info.response));
        } finally {
          smtp.close();
        }
      }
      return {
        envelope: built.envelope,
        messageId: built.messageId.replace(/[<>\s]/g, ''),
        accepted,
        response: responses.join('\n'),
      };
    },
  };
}

async function exchangerOf(domain: string): Promise<string> {
  try {
    const records = await dns.resolveMx(domain);
    if (records.length) return records.sort((a, b) => a.priority - b.priority)[0].exchange;
  } catch {
    // No MX record (or no answer): the domain itself is the exchanger.
  }
  return domain;
}
