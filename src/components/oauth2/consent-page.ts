import type { Scope } from './options';

/** What a consent page shows and posts back (also the JSON an app's own consent page reads). */
export interface ConsentInfo {
  client: { id: string; name: string };
  scopes: Array<{ name: string; description: string }>;
  redirectUri: string;
  /** The fields the page posts back to the authorize endpoint as they are, with `allowed`. */
  fields: Record<string, string>;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function scopeList(names: string[], scopes: Map<string, Scope>): ConsentInfo['scopes'] {
  return names.map((name) => ({ name, description: scopes.get(name)?.description ?? name }));
}

/**
 * The built-in consent page: plain server-rendered HTML, no script, every value escaped. The form
 * carries the authorize request and an HMAC binding it to the user's session (checked on POST), so
 * a forged cross-site post cannot grant anything.
 */
export function renderConsentPage(info: ConsentInfo, action: string): string {
  const hidden = Object.entries(info.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const scopes = info.scopes
    .map((s) => `<li><strong>${escapeHtml(s.name)}</strong>: ${escapeHtml(s.description)}</li>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Authorize ${escapeHtml(info.client.name)}</title></head>
  <body>
    <h1>Authorize ${escapeHtml(info.client.name)}</h1>
    <p>${escapeHtml(info.client.name)} asks for access to your account:</p>
    <ul>
      ${scopes}
    </ul>
    <p>You will be sent back to ${escapeHtml(info.redirectUri)}.</p>
    <form method="post" action="${escapeHtml(action)}">
      ${hidden}
      <button type="submit" name="allowed" value="true">Allow</button>
      <button type="submit" name="allowed" value="false">Deny</button>
    </form>
  </body>
</html>
`;
}

/** A refusal that must not redirect (unknown client, unregistered redirect URI): shown, never followed. */
export function renderErrorPage(error: string, description: string): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Authorization error</title></head>
  <body>
    <h1>Authorization error</h1>
    <p><code>${escapeHtml(error)}</code>: ${escapeHtml(description)}</p>
  </body>
</html>
`;
}
