import * as http from 'http';
import { serverClassesOf } from './born-requests';
import { answerClientErrors } from './operations/client-errors';
import { loggingSettings } from './operations/logger';
import { GracefulShutdown, shutdownTimeoutOf } from './operations/shutdown';
import type { LooplineApp } from './types';

/**
 * `app.listen()`: the app's HTTP server, bounded against slow clients, with the app's `port` and
 * `url` set once it listens and, with `shutdownTimeout`, a graceful stop on SIGTERM and SIGINT.
 * `onShutdown` receives each server's graceful shutdown (the health endpoints read it).
 */
export function installListen(app: LooplineApp, onShutdown: (shutdown: GracefulShutdown) => void): void {
  app.listen = (...args: unknown[]): http.Server => {
    const cb = typeof args[args.length - 1] === 'function' ? (args.pop() as () => void) : undefined;
    // A mistake in config.json's `logging` stops the start, rather than the first request.
    loggingSettings(app.get('logging'));
    const server = http.createServer(
      { ...slowClientBounds(app), ...serverClassesOf(app) },
      app as unknown as http.RequestListener,
    );
    answerClientErrors(server);
    if (args.length === 0) {
      const port = app.get('port') ?? 3000;
      const host = app.get('host');
      if (host) server.listen(port, host);
      else server.listen(port);
    } else {
      Reflect.apply(server.listen, server, args);
    }
    const timeout = shutdownTimeoutOf(app.get('shutdownTimeout'));
    if (timeout !== undefined) handleStopSignals(app, server, timeout, onShutdown);
    server.on('listening', () => {
      const address = server.address();
      if (address && typeof address === 'object') {
        app.set('port', address.port);
        const host =
          !app.get('host') || app.get('host') === '0.0.0.0' || app.get('host') === '::'
            ? 'localhost'
            : app.get('host');
        app.set('url', `http://${host}:${address.port}/`);
      }
      // As http.Server#listen, the callback runs with the server as `this` (LB3 tests read this.address()).
      if (cb) cb.call(server);
    });
    return server;
  };
}

/**
 * How long a client may take to send a request: its head within `headersTimeout` (ms, default
 * 10000), the whole of it within `requestTimeout` (default 60000; 0: no bound), else 408 and the
 * connection closes. Node's own defaults (60 s, 300 s, checked every 30 s) let a few slow clients
 * (slowloris) hold connections for minutes. Both from config.json, as is `maxHeaderSize` (bytes of
 * the request line and headers; Node's 16 kB by default), past which the answer is 431.
 */
function slowClientBounds(app: LooplineApp): http.ServerOptions {
  const ms = (key: string, fallback: number) => {
    const v = Number(app.get(key));
    return app.get(key) !== undefined && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  const requestTimeout = ms('requestTimeout', 60000);
  const headersTimeout = ms('headersTimeout', 10000);
  return {
    requestTimeout,
    // Node requires the head's bound to be within the request's (when that is on).
    headersTimeout: requestTimeout > 0 ? Math.min(headersTimeout, requestTimeout) : headersTimeout,
    connectionsCheckingInterval: 1000,
    ...(Number(app.get('maxHeaderSize')) > 0 ? { maxHeaderSize: Number(app.get('maxHeaderSize')) } : {}),
  };
}

/** The servers a stop signal reaches; the process listens for the signals only while there are some. */
const listeningServers = new Set<GracefulShutdown>();

function onStopSignal(signal: NodeJS.Signals): void {
  for (const graceful of listeningServers) graceful.begin(signal);
}

/**
 * SIGTERM (and SIGINT) stop the server gracefully (see GracefulShutdown), then close every data
 * source's pool. One pair of process handlers serves every listening server (an app, or a test
 * suite, may listen many times without closing: one handler each would pass Node's listener
 * limit), and it goes when the last server closes.
 */
function handleStopSignals(
  app: LooplineApp,
  server: http.Server,
  timeout: number,
  onCreated: (s: GracefulShutdown) => void,
): void {
  const graceful = new GracefulShutdown(server, {
    timeout,
    release: async () => {
      for (const ds of new Set(Object.values(app.dataSources))) await ds.disconnect();
    },
    log: (message, level = 'info') => app.logger[level](message),
    exit: (code) => process.exit(code),
  });
  onCreated(graceful);
  if (listeningServers.size === 0) {
    process.on('SIGTERM', onStopSignal);
    process.on('SIGINT', onStopSignal);
  }
  listeningServers.add(graceful);
  server.once('close', () => {
    listeningServers.delete(graceful);
    if (listeningServers.size > 0) return;
    process.removeListener('SIGTERM', onStopSignal);
    process.removeListener('SIGINT', onStopSignal);
  });
}
