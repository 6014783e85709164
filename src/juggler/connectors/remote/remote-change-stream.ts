import { PassThrough } from 'stream';
import type { HttpCall } from './remote-model';

/**
 * `RemoteModel.createChangeStream([options])`: the server's change stream (`/Models/change-stream`,
 * server-sent events) as the same readable object stream a local model gives — each `data` event a
 * change `{type, target, where, data}`, an `error` event the server's error, the end when the
 * server ends it. Destroying or ending the stream closes the connection.
 */

export interface StreamTransport {
  /** Opens the call as a long-lived request; resolves to the answer's body once its headers arrived. */
  openStream(call: HttpCall, options: unknown, signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
}

interface ServerSentEvent {
  event: string;
  data: string;
}

/** Splits server-sent event text into events; returns the complete ones and the unfinished rest. */
function parseEvents(text: string): { events: ServerSentEvent[]; rest: string } {
  const events: ServerSentEvent[] = [];
  const blocks = text.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue; // a comment (`:ok`)
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

function errorOf(data: string): Error {
  let described: Record<string, unknown> = {};
  try {
    described = JSON.parse(data) as Record<string, unknown>;
  } catch {
    described = { message: data };
  }
  return Object.assign(new Error(String(described.message ?? 'change stream error')), described);
}

export async function openRemoteChangeStream(
  transport: StreamTransport,
  call: HttpCall,
  options: unknown,
): Promise<PassThrough> {
  const controller = new AbortController();
  const body = await transport.openStream(call, options, controller.signal);
  const out = new PassThrough({ objectMode: true });
  const close = () => controller.abort();
  out.on('close', close);
  out.on('end', close);
  const pump = async () => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      const { events, rest } = parseEvents(buffered);
      buffered = rest;
      for (const e of events) {
        if (e.event === 'data') out.write(JSON.parse(e.data));
        else if (e.event === 'error') out.destroy(errorOf(e.data));
        else if (e.event === 'end') out.end();
      }
    }
    if (!out.writableEnded && !out.destroyed) out.end();
  };
  pump().catch((err: unknown) => {
    // Aborted by our own close: nothing to report.
    if (controller.signal.aborted) return;
    if (!out.destroyed) out.destroy(err as Error);
  });
  return out;
}
