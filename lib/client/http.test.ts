import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FhirClient, retryAfterMs, TransportError, type Exchange } from './http.ts';
import { AdaptiveLimit } from './adaptive-limit.ts';
import { Semaphore } from './limiter.ts';
import { registerSecret } from './redact.ts';

// A loopback server whose routes misbehave the ways real targets do.
let server: Server;
let base: string;
const hits = new Map<string, number>();
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, n: number) => void> = {
  '/fhir/ok': (_q, s) => { s.setHeader('content-type', 'application/fhir+json'); s.end('{"resourceType":"Patient","id":"1"}'); },
  '/fhir/slow': () => { /* never answers */ },
  '/fhir/200ms': (_q, s) => { setTimeout(() => { s.setHeader('content-type', 'application/fhir+json'); s.end('{}'); }, 200); },
  '/fhir/html': (_q, s) => { s.statusCode = 502; s.setHeader('content-type', 'text/html'); s.end('<html><body>Bad gateway</body></html>'); },
  '/fhir/text': (_q, s) => { s.setHeader('content-type', 'text/plain'); s.end('all good'); },
  '/fhir/busy': (_q, s, n) => {
    if (n === 1) { s.statusCode = 429; s.setHeader('retry-after', '1'); s.end(); return; }
    s.setHeader('content-type', 'application/fhir+json'); s.end('{"resourceType":"Bundle"}');
  },
  '/fhir/busy-post': (_q, s, n) => {
    if (n === 1) { s.statusCode = 429; s.setHeader('retry-after', '0'); s.end(); return; }
    s.statusCode = 201; s.setHeader('content-type', 'application/fhir+json'); s.end('{"resourceType":"Patient","id":"2"}');
  },
  '/fhir/always-busy': (_q, s) => { s.statusCode = 429; s.setHeader('retry-after', '3600'); s.end(); },
  '/fhir/flaky': (_q, s, n) => { s.statusCode = n === 1 ? 503 : 200; s.setHeader('content-type', 'application/fhir+json'); s.end('{}'); },
  '/fhir/echo': (q, s) => {
    let body = '';
    q.on('data', (d) => { body += d; });
    q.on('end', () => { s.setHeader('content-type', 'application/json'); s.end(JSON.stringify({ auth: q.headers.authorization, body })); });
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    (routes[path] ?? ((_q, s) => { s.statusCode = 404; s.end(); }))(req, res, n);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('FhirClient', () => {
  test('parses FHIR JSON and records the exchange', async () => {
    const seen: Exchange[] = [];
    const c = new FhirClient({ baseUrl: base, onExchange: (e) => seen.push(e) });
    const ok = await c.request('GET', 'ok');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ resourceType: 'Patient', id: '1' });
    expect(seen.at(-1)?.response?.status).toBe(200);
    expect(seen.at(-1)?.request.url).toBe(`${base}/ok`);
    await c.close();
  });

  test('a request with no answer becomes a timeout TransportError naming the request', async () => {
    const c = new FhirClient({ baseUrl: base, timeoutMs: 300, maxRetries: 0 });
    const err = await c.request('GET', 'slow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('timeout');
    expect((err as Error).message).toContain(`GET ${base}/slow`);
    await c.close();
  });

  test.for([
    ['html', 'html', 'HTML page'],
    ['text', 'non-json', 'not JSON'],
  ] as const)('a %s body becomes a %s TransportError', async ([path, code, words]) => {
    const c = new FhirClient({ baseUrl: base, maxRetries: 0 });
    const err = await c.request('GET', path).catch((e: unknown) => e);
    expect((err as TransportError).code).toBe(code);
    expect((err as Error).message).toContain(words);
    await c.close();
  });

  test('429 with Retry-After is honoured for a GET, and the answer is marked as retried', async () => {
    const c = new FhirClient({ baseUrl: base });
    const t0 = Date.now();
    const res = await c.request('GET', 'busy');
    expect(res.status).toBe(200);
    expect(res.retried).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    await c.close();
  });

  test('a Retry-After longer than the client will wait gives a rate-limited error, not a hang', async () => {
    const c = new FhirClient({ baseUrl: base, maxRetryAfterMs: 2_000 });
    const err = await c.request('GET', 'always-busy').catch((e: unknown) => e);
    expect((err as TransportError).code).toBe('rate-limited');
    await c.close();
  });

  test('a 429 is retried whatever the method: the server refused the request without acting on it', async () => {
    const c = new FhirClient({ baseUrl: base });
    const res = await c.request('POST', 'busy-post', { body: { resourceType: 'Patient' } });
    expect([res.status, res.retried]).toEqual([201, true]);
    await c.close();
  });

  test('after a 5xx GETs are retried, a plain POST is not', async () => {
    const c = new FhirClient({ baseUrl: base, backoffMs: 10 });
    const get = await c.request('GET', 'flaky');
    expect([get.status, get.retried]).toEqual([200, true]);
    hits.delete('/fhir/flaky');
    const post = await c.request('POST', 'flaky', { body: {} });
    expect([post.status, post.retried]).toEqual([503, false]);
    await c.close();
  });

  test('a POST marked idempotent (an operation that changes nothing) is retried like a GET', async () => {
    const c = new FhirClient({ baseUrl: base, backoffMs: 10 });
    hits.delete('/fhir/flaky');
    const post = await c.request('POST', 'flaky', { body: {}, idempotent: true });
    expect([post.status, post.retried]).toEqual([200, true]);
    await c.close();
  });

  test('the Bearer token and registered secrets never reach the recorded exchange', async () => {
    const secret = 'tok-3f9a1c0de5b7';
    registerSecret(secret);
    const seen: Exchange[] = [];
    const c = new FhirClient({ baseUrl: base, token: async () => secret, onExchange: (e) => seen.push(e) });
    const res = await c.request('POST', 'echo', { form: { grant_type: 'client_credentials', client_secret: 'cs-abcdef123', note: secret } });
    expect(res.body.auth).toBe(`Bearer ${secret}`);
    expect(JSON.stringify(seen)).not.toContain(secret);
    expect(JSON.stringify(seen)).not.toContain('cs-abcdef123');
    await c.close();
  });

  test('an exchange records the time on the wire, not the wait for a permit of the shared limit', async () => {
    const seen: Exchange[] = [];
    const c = new FhirClient({ baseUrl: base, gate: new Semaphore(new AdaptiveLimit(1)), onExchange: (e) => seen.push(e) });
    await Promise.all([c.request('GET', '200ms'), c.request('GET', '200ms')]);
    const [first, second] = seen.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    // The second waited ~200 ms for the one permit: it started when the first was answered, and took ~200 ms itself.
    expect(Date.parse(second!.startedAt) - Date.parse(first!.startedAt)).toBeGreaterThanOrEqual(190);
    for (const e of seen) expect(e.durationMs).toBeLessThan(380);
    await c.close();
  });

  test('refuses to follow a link to another origin', async () => {
    const c = new FhirClient({ baseUrl: base });
    await expect(c.request('GET', 'http://127.0.0.2:1/fhir/x')).rejects.toMatchObject({ code: 'cross-origin' });
    await c.close();
  });
});

describe('retryAfterMs', () => {
  test.for([
    ['5', 5000],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['soon', undefined],
  ] as const)('Retry-After %s → %s ms', ([value, ms]) => {
    expect(retryAfterMs(value, Date.parse('2026-01-01T00:00:00Z'))).toBe(ms);
  });
});
