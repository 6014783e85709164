import type * as http from 'http';
import type * as net from 'net';
import { LooplineError } from '../../../errors';

/**
 * How long a connection refused before its request was read keeps reading (and discarding) what
 * the client still sends after the answer, so its close is a FIN the client sees after the status
 * line and not a reset that can arrive first. Bounded, so a client that never stops sending holds
 * the connection for at most this long.
 */
const DRAIN_MS = 2000;

/** The statuses Node answers a malformed request with (`_http_server.js`), without a body. */
const PLAIN: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};

function headersTooLarge(): string {
  const err = new LooplineError(
    'HEADERS_TOO_LARGE',
    "The request line and headers are over the server's limit (maxHeaderSize, 16 kB by default); shorten the URL (send a long filter in a POST body or as several requests) or the headers.",
  );
  const body = JSON.stringify({
    error: { statusCode: err.statusCode, name: err.name, message: err.message, code: err.code },
  });
  return [
    'HTTP/1.1 431 Request Header Fields Too Large',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

const answered = new WeakSet<net.Socket>();

/**
 * Node's own answer to a request it cannot parse writes the status and destroys the socket at
 * once. When the client is still sending (a long URL and headers arrive in several segments), the
 * kernel answers the unread bytes with a reset, which often reaches the client before the status
 * line does, so it sees ECONNRESET instead of 431. Here the answer is written, the sending side
 * closed, and the rest of the request read and dropped until the client closes (or DRAIN_MS).
 */
export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    // The parser reports again for every later chunk of the same connection; one answer is enough.
    if (answered.has(socket)) return;
    answered.add(socket);
    const inFlight = (socket as net.Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? undefined : (PLAIN[err.code ?? ''] ?? '400 Bad Request');
    const answer = status ? `HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n` : headersTooLarge();
    // A request timeout gets no drain (as Node): its client is the slow one the bound is there for.
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      socket.write(answer);
      socket.destroy();
      return;
    }
    socket.end(answer);
    const timer = setTimeout(() => socket.destroy(), DRAIN_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}
