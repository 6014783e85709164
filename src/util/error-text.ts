/**
 * An error's own words. Node's AggregateError (every address of a host refused the connection)
 * has an empty message of its own: its parts' messages say it. A code alone is the last resort.
 */
export function errorText(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; errors?: Array<{ message?: unknown }> } | undefined;
  if (typeof e?.message === 'string' && e.message) return e.message;
  const parts = Array.isArray(e?.errors)
    ? e.errors.map((x) => x?.message).filter((m): m is string => typeof m === 'string' && m !== '')
    : [];
  if (parts.length) return parts.join(', ');
  return String(e?.code ?? err);
}
