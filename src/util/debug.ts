import createDebug from 'debug';

/** Debug namespaces are all `loopline:<area>`; `DEBUG=loopline:*` shows everything. */
export function debugFor(area: string): createDebug.Debugger {
  return createDebug(`loopline:${area}`);
}
