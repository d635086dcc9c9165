import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../matrix/load.ts';
import { LimiterService } from './limiter.ts';

// A loopback server that holds every request 30 ms and counts how many it is serving at once; `first429`
// answers the very first request 429 with Retry-After: 1.
function target(first429: boolean) {
  let inFlight = 0;
  const seen = { peak: 0, served: 0, arrivals: [] as number[], at429: 0 };
  const server = createServer((_req, res) => {
    seen.arrivals.push(Date.now());
    if (first429 && !seen.at429) {
      seen.at429 = Date.now();
      res.writeHead(429, { 'retry-after': '1' }).end();
      return;
    }
    inFlight++;
    seen.peak = Math.max(seen.peak, inFlight);
    setTimeout(() => { inFlight--; seen.served++; res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{}'); }, 30);
  });
  return { server, seen };
}

const listen = (s: Server) => new Promise<string>((ok) => s.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(s.address() as AddressInfo).port}/fhir`)));

/** Two worker-like processes sharing the service's limit. */
function workers(limiter: LimiterService, base: string, n: number): Promise<string[]> {
  return Promise.all([1, 2].map(() => new Promise<string>((ok, ko) => {
    const env = { ...process.env, DHP_LIMITER: limiter.address, DHP_CONCURRENCY: '4' };
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'support', 'limited-client.ts'), base, String(n)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? ok(out.trim()) : ko(new Error(`worker exited ${code}`))));
  })));
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0)) await c(); });

describe('one limit on requests in flight, shared by every process of a run', () => {
  test('two processes of 20 concurrent requests each never have more than 4 in flight together', async () => {
    const { server, seen } = target(false);
    const base = await listen(server);
    const limiter = await LimiterService.start(4);
    cleanup.push(() => limiter.close(), () => new Promise((ok) => server.close(() => ok())));
    const outs = await workers(limiter, base, 20);
    expect(outs.map((o) => JSON.parse(o).filter((s: number) => s === 200).length)).toEqual([20, 20]);
    expect(seen.served).toBe(40);
    expect(seen.peak).toBe(4);
    expect(limiter.semaphore.stats()).toMatchObject({ grants: 40, peakInFlight: 4 });
  });

  test('a 429 with Retry-After pauses every process, not just the one that was told', async () => {
    const { server, seen } = target(true);
    const base = await listen(server);
    const limiter = await LimiterService.start(4);
    cleanup.push(() => limiter.close(), () => new Promise((ok) => server.close(() => ok())));
    const outs = await workers(limiter, base, 10);
    // The refused request was retried after its Retry-After: every request of both processes succeeded.
    expect(outs.flatMap((o) => JSON.parse(o)).every((s: number) => s === 200)).toBe(true);
    // Requests already on the wire may land just after the 429; none was sent during the second that followed.
    const during = seen.arrivals.filter((t) => t > seen.at429 + 100 && t < seen.at429 + 900);
    expect(during).toEqual([]);
    expect(limiter.semaphore.stats()).toMatchObject({ pauses: 1 });
  });
});
