import * as http from 'http';

/**
 * Requests born as the app's own request objects.
 *
 * Express gives a request its API (`req.get`, `res.status`, ...) by swapping the prototypes of
 * Node's request and response on entry (`Object.setPrototypeOf(req, app.request)`). V8 pays for
 * that swap on every object it meets afterwards: Node's own HTTP code then handles objects whose
 * shape changed under it, and with the swap a bare `node:http` answer cost 75–95 µs of CPU instead
 * of 25 (measured on this machine). A request and response constructed with `app.request` and
 * `app.response` as their prototypes from the start have nothing to swap: Express's swap finds the
 * prototype already in place and changes nothing.
 *
 * So the app's server makes its requests with classes of the app's own (`app.listen()` passes them
 * to `http.createServer`), and a server the app did not make — `http.createServer(app)`, an HTTPS
 * server — adopts them at its first request: Node keeps the classes it constructs on the server
 * under two symbols, read for every new request. Only a server still on Node's own classes, and
 * whose request listener is the app itself (not a parent app it is mounted in), is adopted.
 */

interface AppPrototypes {
  request: object;
  response: object;
}

type MessageClass = new (...args: any[]) => object;

/** Per app: the classes of its requests and responses (kept while the app's prototypes are the same). */
const classesByApp = new WeakMap<object, { request: object; response: object; classes: ServerClasses }>();

export interface ServerClasses {
  IncomingMessage: typeof http.IncomingMessage;
  ServerResponse: typeof http.ServerResponse;
}

/** Never true: the branch that reads it only sizes Born's objects (see bornWith). */
let sizingOnly = false;

/** Room in a born object for the fields the branch below names (more than Node's 42 on a response). */
type Sized = Record<`s${number}`, undefined>;

/**
 * A constructor that runs `base` on an object born with `prototype`. Node's two classes are plain
 * constructor functions, so `base.call` runs them on it; `Reflect.construct(base, args, Born)` would
 * too, but V8 then makes every request in a slow shape (a plain answer cost 230 µs, not 40).
 *
 * The branch that never runs is there for V8: it sizes the objects a constructor makes by the
 * `this.x =` assignments written in the constructor's own body. Without them a born object had
 * room for a few fields; Node's constructor puts ~40 on a response, most outside the object, and
 * its symbol-keyed stores past a dozen such fields turn the response into a dictionary — every
 * property read on it (Node's, Express's, ours) a hash lookup. Sized like this, requests and
 * responses keep fast properties (test/acceptance/born-requests.test.ts checks it); V8 trims the
 * room nobody uses after the first few objects. Measured side by side with the unsized build
 * (both servers on one core at once, 5 rounds of 4 s, medians): PATCH 1.34×, POST 1.25×, get by
 * id 1.18×, list 1.18×, include 1.12×, count 1.08× the req/s.
 */
function bornWith(base: MessageClass, prototype: object): MessageClass {
  const construct = base as unknown as (this: object, a: unknown, b: unknown) => void;
  function Born(this: Sized, a: unknown, b: unknown): void {
    construct.call(this, a, b);
    if (sizingOnly) {
      this.s0 = this.s1 = this.s2 = this.s3 = this.s4 = this.s5 = this.s6 = this.s7 = undefined;
      this.s8 = this.s9 = this.s10 = this.s11 = this.s12 = this.s13 = this.s14 = this.s15 = undefined;
      this.s16 = this.s17 = this.s18 = this.s19 = this.s20 = this.s21 = this.s22 = this.s23 = undefined;
      this.s24 = this.s25 = this.s26 = this.s27 = this.s28 = this.s29 = this.s30 = this.s31 = undefined;
      this.s32 = this.s33 = this.s34 = this.s35 = this.s36 = this.s37 = this.s38 = this.s39 = undefined;
      this.s40 = this.s41 = this.s42 = this.s43 = this.s44 = this.s45 = this.s46 = this.s47 = undefined;
      this.s48 = this.s49 = this.s50 = this.s51 = this.s52 = this.s53 = this.s54 = this.s55 = undefined;
      this.s56 = this.s57 = this.s58 = this.s59 = this.s60 = this.s61 = this.s62 = this.s63 = undefined;
      sizingOnly = false;
    }
  }
  Born.prototype = prototype;
  return Born as unknown as MessageClass;
}

/** Node's constructor is a plain function (a `class` could not be run on an object made here). */
function callable(base: unknown): boolean {
  return typeof base === 'function' && !Function.prototype.toString.call(base).startsWith('class');
}

/** The request and response classes for `app`'s server (none when Node's cannot be run this way). */
export function serverClassesOf(app: AppPrototypes): ServerClasses | undefined {
  if (!callable(http.IncomingMessage) || !callable(http.ServerResponse)) return undefined;
  const known = classesByApp.get(app);
  if (known && known.request === app.request && known.response === app.response) return known.classes;
  const classes = {
    IncomingMessage: bornWith(http.IncomingMessage, app.request) as unknown as typeof http.IncomingMessage,
    ServerResponse: bornWith(http.ServerResponse, app.response) as unknown as typeof http.ServerResponse,
  };
  classesByApp.set(app, { request: app.request, response: app.response, classes });
  return classes;
}

/** Servers already looked at (adopted or not): one look each. */
const seen = new WeakSet<object>();

/** The server's own symbol that holds the class Node constructs, by its description. */
function classSymbol(server: object, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(server).find((s) => s.description === description);
}

/**
 * At a request `app` answers as the server's request listener: makes the server construct its
 * next requests and responses with the app's classes, when it still uses Node's own.
 */
export function adoptServer(app: AppPrototypes & object, req: http.IncomingMessage): void {
  const server = (req.socket as { server?: unknown } | null)?.server;
  if (!server || typeof server !== 'object' || seen.has(server)) return;
  seen.add(server);
  const listeners = (server as { listeners?: (event: string) => unknown[] }).listeners;
  if (typeof listeners !== 'function' || !listeners.call(server, 'request').includes(app)) return;
  const requestKey = classSymbol(server, 'IncomingMessage');
  const responseKey = classSymbol(server, 'ServerResponse');
  if (!requestKey || !responseKey) return;
  const own = server as unknown as Record<symbol, unknown>;
  if (own[requestKey] !== http.IncomingMessage || own[responseKey] !== http.ServerResponse) return;
  const classes = serverClassesOf(app);
  if (!classes) return;
  own[requestKey] = classes.IncomingMessage;
  own[responseKey] = classes.ServerResponse;
}
