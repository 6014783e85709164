/**
 * A URL fit for a log line: the values of query parameters that carry an access token (LB3 takes
 * one from `?access_token=`) are replaced, the rest is kept so the line still says what was asked.
 */
const TOKEN_PARAM = /([?&](?:access_?token)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.includes('=') ? url.replace(TOKEN_PARAM, '$1[redacted]') : url;
}
