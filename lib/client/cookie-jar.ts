// A small RFC 6265 cookie jar for the headless login driver: the SSO's login steps hand cookies to each other
// on different paths (e.g. `_interaction` on /oauth/interaction/<uid>, `_interaction_resume` on /oauth/auth/<uid>).

interface Cookie { name: string; value: string; domain: string; hostOnly: boolean; path: string; expires?: number; secure: boolean }

function defaultPath(url: URL): string {
  const p = url.pathname;
  if (!p.startsWith('/') || p.lastIndexOf('/') === 0) return '/';
  return p.slice(0, p.lastIndexOf('/'));
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function domainMatches(host: string, c: Cookie): boolean {
  return c.hostOnly ? host === c.domain : host === c.domain || host.endsWith(`.${c.domain}`);
}

export class CookieJar {
  private cookies: Cookie[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Stores the Set-Cookie headers of a response to `url`. */
  store(url: URL, setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const c: Cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), domain: url.hostname, hostOnly: true, path: defaultPath(url), secure: false };
      for (const a of attrs) {
        const [k = '', ...v] = a.split('=');
        const key = k.trim().toLowerCase(), val = v.join('=').trim();
        if (key === 'path' && val.startsWith('/')) c.path = val;
        else if (key === 'domain' && val) { c.domain = val.replace(/^\./, '').toLowerCase(); c.hostOnly = false; }
        else if (key === 'max-age' && /^-?\d+$/.test(val)) c.expires = this.now() + Number(val) * 1000;
        else if (key === 'expires' && c.expires === undefined && !Number.isNaN(Date.parse(val))) c.expires = Date.parse(val);
        else if (key === 'secure') c.secure = true;
      }
      if (!c.hostOnly && !domainMatches(url.hostname, { ...c, hostOnly: false })) continue; // a foreign Domain is ignored
      this.cookies = this.cookies.filter((o) => !(o.name === c.name && o.domain === c.domain && o.path === c.path));
      if (c.expires === undefined || c.expires > this.now()) this.cookies.push(c);
    }
  }

  /** The Cookie header for a request to `url` (longest paths first), or undefined when none applies. */
  header(url: URL): string | undefined {
    const t = this.now();
    this.cookies = this.cookies.filter((c) => c.expires === undefined || c.expires > t);
    const send = this.cookies
      .filter((c) => domainMatches(url.hostname, c) && pathMatches(url.pathname, c.path) && (!c.secure || url.protocol === 'https:'))
      .sort((a, b) => b.path.length - a.path.length);
    return send.length ? send.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }
}
