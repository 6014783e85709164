import { debugFor } from '../../util/debug';
import { withCallback } from '../../util/callback';
import { isMailSender } from '../../juggler';

const debug = debugFor('email');

/** How many undelivered messages `Email.sent` keeps. */
const KEEP_SENT = 100;

/**
 * Email: `Email.send({to, from, subject, text, html, transport?})`, `email.send()`. Attached to a
 * `mail` data source (LB3's `{"connector": "mail", "transports": [...]}`), a message goes through
 * the transport its `transport` names or the first one, and the callback gets the transport's
 * report. A message that goes nowhere — Email attached to no mail data source (LB3 threw here),
 * or to one without transports (LB3 answered with the message) — is logged (debug
 * `loopline:email`, addresses and subject only), kept in `Email.sent` (the last 100) for tests and
 * development, and answered with the message. Setting `Email.transport` to an object with
 * `sendMail(message)` still overrides everything.
 */
export function setupEmail(Email: any): void {
  Object.defineProperty(Email, 'sent', { value: [], writable: true, configurable: true });
  Email.transport = undefined;
  Email.send = function send(
    this: any,
    message: Record<string, unknown>,
    cb?: (err: Error | null, info?: unknown) => void,
  ) {
    const run = async () => {
      const msg = { ...message };
      if (this.transport && typeof this.transport.sendMail === 'function')
        return this.transport.sendMail(msg);
      const connector = this.dataSource?.connector;
      if (isMailSender(connector) && connector.delivers) return connector.send(msg);
      debug('mail to %s: %s (not delivered: no mail transport)', msg.to, msg.subject);
      const sent: unknown[] = this.sent;
      sent.push(msg);
      if (sent.length > KEEP_SENT) sent.splice(0, sent.length - KEEP_SENT);
      return msg;
    };
    return withCallback(run(), cb);
  };
  Email.prototype.send = function (this: any, cb?: (err: Error | null, info?: unknown) => void) {
    return this.constructor.send(this.toJSON(), cb);
  };
}
