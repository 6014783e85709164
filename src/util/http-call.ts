/**
 * One remote method call as HTTP, and its answer: what the REST layer builds from a shared
 * method's accepts and routes (remoting/rest/http-invocation.ts), and what the remote connector
 * sends and reads (juggler/connectors/remote/). Kept here because neither layer may import the other.
 */
export interface HttpCall {
  /** Upper-case HTTP verb. */
  verb: string;
  /** Path below the REST root, parameters filled in and encoded (`/Cars/a%2Fb/exists`). */
  path: string;
  /** Query parameters, each already a string (objects as JSON, as the server decodes them). */
  query: Record<string, string>;
  /** The JSON body, when the call has one. */
  body?: unknown;
  headers: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  headers: { get(name: string): string | null };
  /** The parsed JSON body; undefined when the answer had none (204). */
  body: unknown;
}
