import http from 'http';
import net from 'net';

/** A client of a change stream: what the server said so far, and the `data` events in it. */
export interface EventStreamSubscription {
  status: number;
  contentType: string;
  /** Everything received so far, frames and comments (`:ok`) included. */
  text(): string;
  /** Resolves with the JSON of the `event: data` frames once `count` of them have come (8 s at most). */
  events(count: number): Promise<unknown[]>;
  close(): void;
}

/** The JSON of each `event: data` frame of a server-sent event stream's text. */
export function dataEvents(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('event: data\n'))
    .map((frame) => JSON.parse(frame.slice('event: data\ndata: '.length)));
}

/** Opens `GET urlPath` on a listening server as an event stream, as a browser's EventSource does. */
export function subscribe(server: http.Server, urlPath: string): Promise<EventStreamSubscription> {
  const port = (server.address() as net.AddressInfo).port;
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: urlPath, headers: { accept: 'text/event-stream' } },
      (res) => {
        let text = '';
        const waiters: Array<[number, (events: unknown[]) => void]> = [];
        const check = () => {
          const events = dataEvents(text);
          for (const w of waiters.filter(([count]) => events.length >= count)) {
            waiters.splice(waiters.indexOf(w), 1);
            w[1](events);
          }
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          check();
        });
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type']),
          text: () => text,
          events: (count) =>
            new Promise((done, fail) => {
              const timer = setTimeout(
                () => fail(new Error(`only ${dataEvents(text).length} of ${count} events came:\n${text}`)),
                8000,
              );
              waiters.push([count, (events) => (clearTimeout(timer), done(events))]);
              check();
            }),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
  });
}
