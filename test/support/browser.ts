/**
 * A browser's part in a redirect login, in plain HTTP: it follows Location headers across hosts
 * and keeps each host's cookies (honouring expiry, ignoring paths), as a person's browser would.
 */
export interface Hop {
  url: string;
  status: number;
  location?: string;
  body: string;
}

export class Browser {
  readonly cookies = new Map<string, Map<string, string>>();

  private jar(url: URL): Map<string, string> {
    let jar = this.cookies.get(url.host);
    if (!jar) this.cookies.set(url.host, (jar = new Map()));
    return jar;
  }

  cookie(url: string, name: string): string | undefined {
    return this.jar(new URL(url)).get(name);
  }

  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Hop> {
    const target = new URL(url);
    const jar = this.jar(target);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
      body: init.body,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) =>
          /^\s*max-age=0\s*$/i.test(a) ||
          (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location') ?? undefined;
    return {
      url,
      status: res.status,
      location: location && new URL(location, url).href,
      body: await res.text(),
    };
  }

  /** GETs `url` and follows redirects until a page answers or `stop(url)` says the next one is the app's page. */
  async follow(url: string, stop: (next: URL) => boolean = () => false, limit = 10): Promise<Hop[]> {
    const hops: Hop[] = [];
    let next: string | undefined = url;
    while (next && hops.length < limit) {
      const hop = await this.request(next);
      hops.push(hop);
      if (!hop.location || hop.status < 300 || hop.status >= 400 || stop(new URL(hop.location))) break;
      next = hop.location;
    }
    return hops;
  }
}
