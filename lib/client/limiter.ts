// One limit on requests in flight for a whole run, shared by every vitest worker process.
//
// Design: vitest runs suite files in separate worker processes, so an in-process semaphore would give each
// worker its own limit. The CLI process therefore hosts the only semaphore (LimiterService, an AdaptiveLimit
// behind a FIFO queue) on a loopback TCP port it hands to the workers in DHP_LIMITER. Each worker's FhirClient
// holds one persistent connection to it (RemoteGate) and speaks a line protocol of a few bytes:
//   worker → service  `a`                       acquire one permit (answered in order)
//   service → worker  `g`                       granted
//   worker → service  `r <ms> <status> [<retry-after ms>]`   release, with what the server answered
// The permit is held only while the request is on the wire (not while a client sleeps before a retry), and the
// release carries the outcome the AIMD controller needs (429 → everyone pauses; latency → back off).
// Cost per request: two small writes and one read on an already-open socket, batched per tick (tens of µs of
// CPU), and one loopback round trip of latency before a request that has to be granted; no proxying of bodies.
// Robustness: a worker that dies returns its permits when its socket closes; a worker that loses the service
// falls back to a local semaphore of the same size (and says so once) rather than hang or run unbounded.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { AdaptiveLimit, type LimitStats, type Outcome } from './adaptive-limit.ts';
import { readEnv, type DhpEnv } from '../config/env.ts';
import { ConfigError } from '../config/errors.ts';

export interface Gate {
  acquire(): Promise<void>;
  /** Gives the permit back; `outcome` feeds the adaptive limit (omitted: the permit was never used). */
  release(outcome?: Outcome): void;
}

/** FIFO semaphore whose size is the adaptive limit. */
export class Semaphore implements Gate {
  private inFlight = 0;
  private peak = 0;
  private grants = 0;
  private readonly waiting: (() => void)[] = [];
  private timer?: NodeJS.Timeout;

  constructor(readonly control: AdaptiveLimit) {}

  acquire(): Promise<void> {
    if (!this.waiting.length && this.inFlight < this.control.limit && this.control.pausedFor() === 0) {
      this.grant();
      return Promise.resolve();
    }
    this.control.noteWaiting();
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.drain();
    });
  }

  release(outcome?: Outcome): void {
    this.inFlight--;
    if (outcome) this.control.observe(outcome);
    this.drain();
  }

  stats(): LimitStats & { grants: number; peakInFlight: number } {
    return { ...this.control.snapshot(), grants: this.grants, peakInFlight: this.peak };
  }

  private grant(): void {
    this.inFlight++;
    this.grants++;
    if (this.inFlight > this.peak) this.peak = this.inFlight;
  }

  private drain(): void {
    while (this.waiting.length && this.inFlight < this.control.limit) {
      const wait = this.control.pausedFor();
      if (wait > 0) {
        this.timer ??= setTimeout(() => { this.timer = undefined; this.drain(); }, wait);
        return;
      }
      this.grant();
      this.waiting.shift()!();
    }
  }
}

/** Batches the small writes of one tick into one write of one string (cork/writev cost more per line). */
function batchedWriter(sock: Socket): (line: string) => void {
  let pending = '';
  return (line) => {
    if (!pending) process.nextTick(() => { const out = pending; pending = ''; sock.write(out); });
    pending += line;
  };
}

function onLines(sock: Socket, handle: (line: string) => void): void {
  let buf = '';
  sock.setEncoding('latin1');
  sock.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      handle(line);
    }
  });
}

/** The run's semaphore, served on a loopback port to the worker processes (started by `dhp-conformance run`). */
export class LimiterService {
  private constructor(private readonly server: Server, readonly semaphore: Semaphore, readonly address: string) {}

  static async start(max: number): Promise<LimiterService> {
    const semaphore = localGate(max);
    const server = createServer((sock) => {
      sock.setNoDelay(true);
      const write = batchedWriter(sock);
      let held = 0;
      let closed = false;
      onLines(sock, (line) => {
        if (line === 'a') {
          semaphore.acquire().then(() => {
            if (closed) return semaphore.release();
            held++;
            write('g\n');
          });
        } else if (line.startsWith('r')) {
          const [, ms, status, retry] = line.split(' ');
          held--;
          semaphore.release(ms === undefined ? undefined : { ms: Number(ms), status: Number(status), retryAfterMs: retry ? Number(retry) : undefined });
        }
      });
      // A worker that crashed or finished gives back whatever it still held.
      const gone = () => {
        if (closed) return;
        closed = true;
        for (; held > 0; held--) semaphore.release();
      };
      sock.on('close', gone);
      sock.on('error', gone);
    });
    await new Promise<void>((ok, ko) => {
      server.once('error', ko);
      server.listen(0, '127.0.0.1', () => ok());
    });
    const port = (server.address() as { port: number }).port;
    return new LimiterService(server, semaphore, `127.0.0.1:${port}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}

/** A worker's end of the run's shared limit. */
export class RemoteGate implements Gate {
  private readonly sock: Socket;
  private readonly write: (line: string) => void;
  private readonly waiting: (() => void)[] = [];
  private held = 0;
  private fallback?: Semaphore;
  /** Permits of the lost service still held when the fallback took over: their releases go nowhere. */
  private orphans = 0;

  constructor(address: string, private readonly max: number, private readonly warn: (msg: string) => void = console.warn) {
    const [host, port] = address.split(':');
    this.sock = connect({ host, port: Number(port) });
    this.sock.setNoDelay(true);
    this.sock.unref();
    this.write = batchedWriter(this.sock);
    onLines(this.sock, (line) => {
      if (line !== 'g') return;
      this.held++;
      this.waiting.shift()?.();
      // Only a pending acquire keeps the process alive; an idle connection must not.
      if (!this.waiting.length) this.sock.unref();
    });
    const lost = (e?: Error) => this.useFallback(e ? e.message : 'connection closed');
    this.sock.on('error', lost);
    this.sock.on('close', () => lost());
  }

  acquire(): Promise<void> {
    if (this.fallback) return this.fallback.acquire();
    return new Promise<void>((resolve) => {
      if (!this.waiting.length) this.sock.ref();
      this.waiting.push(resolve);
      this.write('a\n');
    });
  }

  release(o?: Outcome): void {
    if (this.fallback) {
      if (this.orphans > 0) this.orphans--;
      else this.fallback.release(o);
      return;
    }
    this.held--;
    this.write(o ? `r ${Math.round(o.ms)} ${o.status}${o.retryAfterMs !== undefined ? ` ${Math.round(o.retryAfterMs)}` : ''}\n` : 'r\n');
  }

  private useFallback(why: string): void {
    if (this.fallback) return;
    this.warn(`request limiter: lost the run's shared limiter (${why}); this worker now limits itself to ${this.max} requests in flight`);
    this.fallback = localGate(this.max);
    this.orphans = this.held;
    const waiting = this.waiting.splice(0);
    for (const resume of waiting) void this.fallback.acquire().then(resume);
  }
}

/** Chosen by `npm run bench` on 2 cores: 16 missed 90 s at 100 ms latency; 64 was faster but doubles the burst on the target and adds ~130 MB. */
export const DEFAULT_CONCURRENCY = 32;

/** `--concurrency` (else DHP_CONCURRENCY, else the default): a whole number from 1 to 1024. */
export function parseConcurrency(text: string | undefined, fromEnv: number | undefined): number {
  const n = text !== undefined ? Number(text) : fromEnv ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new ConfigError(`--concurrency takes a whole number from 1 to 1024, not "${text ?? n}"`);
  return n;
}

/** A limit of this process alone (AIMD, as the shared one). */
export const localGate = (max: number): Semaphore => new Semaphore(new AdaptiveLimit(max));

let shared: Gate | undefined;

/** The process's gate: the run's shared limiter when DHP_LIMITER names one, else a local one of DHP_CONCURRENCY (if set). */
export function gateFromEnv(env: Pick<DhpEnv, 'limiter' | 'concurrency'> = readEnv()): Gate | undefined {
  if (shared) return shared;
  const max = env.concurrency ?? DEFAULT_CONCURRENCY;
  if (env.limiter) shared = new RemoteGate(env.limiter, max);
  else if (env.concurrency) shared = localGate(max);
  return shared;
}
