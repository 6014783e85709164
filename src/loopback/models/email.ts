import { debugFor } from '../../util/debug';
import { withCallback } from '../../util/callback';

const debug = debugFor('email');

/**
 * Email: `Email.send({to, from, subject, text, html})`. loopline ships no SMTP client: the
 * built-in transport logs (debug `loopline:email`, addresses and subject only) and collects the
 * messages in `Email.sent` (the last 100), for tests and development. Set `Email.transport` to
 * an object with `sendMail(message)` (e.g. a nodemailer transport) to deliver for real.
 */
export function setupEmail(Email: any): void {
  Object.defineProperty(Email, 'sent', { value: [], writable: true, configurable: true });
  Email.transport = undefined;
  Email.send = function send(this: any, message: Record<string, unknown>, cb?: (err: Error | null, info?: unknown) => void) {
    const run = async () => {
      const msg = { ...message };
      if (this.transport && typeof this.transport.sendMail === 'function') return this.transport.sendMail(msg);
      debug('mail to %s: %s', msg.to, msg.subject);
      const sent: unknown[] = this.sent;
      sent.push(msg);
      if (sent.length > 100) sent.splice(0, sent.length - 100);
      return { message: msg };
    };
    return withCallback(run(), cb);
  };
  Email.prototype.send = function (this: any, cb?: (err: Error | null, info?: unknown) => void) {
    return Email.send(this.toJSON(), cb);
  };
}
