// How many requests may be in flight right now: at most `max` (--concurrency), less while the server says it is
// overloaded. AIMD, as TCP does it, on two signals:
//   - 429 (or 503 with Retry-After): halve the limit and pause every grant until Retry-After has passed — the
//     whole run waits, not just the request that was told to;
//   - latency: per window of about `limit` answers, the window's fast answers (10th percentile: requests differ
//     too much in cost — a 200-entry transaction vs a read — for a median to say anything) are compared with the
//     best of the last windows; two windows in a row more than twice as slow (plus a slack that keeps loopback
//     jitter from counting) cut the limit by a quarter; a window that had requests waiting and no slowdown adds
//     one (up to `max`).
// Pure bookkeeping with an injectable clock: the semaphore (lib/client/limiter.ts) asks it and tells it outcomes.

export interface Outcome {
  /** Time from sending to the last byte of the answer. */
  ms: number;
  /** HTTP status; 0 for a network error or timeout. */
  status: number;
  /** Retry-After of a 429/503, in ms. */
  retryAfterMs?: number;
}

export interface LimitStats {
  max: number;
  limit: number;
  lowest: number;
  latencyBackoffs: number;
  pauses: number;
  pausedMs: number;
  errors: number;
}

const BASELINE_WINDOWS = 20;
/** Longest pause honoured for one Retry-After (a server asking for an hour is handled by the client's own limit). */
const MAX_PAUSE_MS = 60_000;
/** Pause after a 429 without Retry-After. */
const DEFAULT_PAUSE_MS = 1_000;

export class AdaptiveLimit {
  limit: number;
  private pausedUntil = 0;
  private samples: number[] = [];
  private windowStart: number;
  private floors: number[] = [];
  private slowWindows = 0;
  private waited = false;
  private readonly stats: LimitStats;

  constructor(readonly max: number, private readonly slackMs = 25, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`the concurrency limit must be a positive integer, not ${max}`);
    this.limit = max;
    this.windowStart = now();
    this.stats = { max, limit: max, lowest: max, latencyBackoffs: 0, pauses: 0, pausedMs: 0, errors: 0 };
  }

  /** Milliseconds until grants may resume (0: not paused). */
  pausedFor(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** The semaphore had a request waiting for a permit in this window: there is demand for a higher limit. */
  noteWaiting(): void {
    this.waited = true;
  }

  observe(o: Outcome): void {
    if (o.status === 429 || (o.status === 503 && o.retryAfterMs !== undefined)) {
      const pause = Math.min(MAX_PAUSE_MS, o.retryAfterMs ?? DEFAULT_PAUSE_MS);
      const until = this.now() + pause;
      if (until > this.pausedUntil) {
        this.stats.pausedMs += Math.min(pause, until - Math.max(this.pausedUntil, this.now()));
        this.pausedUntil = until;
      }
      this.stats.pauses++;
      this.cut(0.5);
      return;
    }
    if (o.status === 0) {
      this.stats.errors++;
      this.cut(0.5);
      return;
    }
    this.samples.push(o.ms);
    if (this.samples.length >= Math.max(8, this.limit) && this.now() - this.windowStart >= 20) this.closeWindow();
  }

  snapshot(): LimitStats {
    return { ...this.stats, limit: this.limit };
  }

  private closeWindow(): void {
    const sorted = this.samples.sort((a, b) => a - b);
    const floor = sorted[Math.floor(sorted.length / 10)]!;
    this.floors.push(floor);
    if (this.floors.length > BASELINE_WINDOWS) this.floors.shift();
    const baseline = Math.min(...this.floors);
    this.slowWindows = floor > 2 * baseline + this.slackMs ? this.slowWindows + 1 : 0;
    if (this.slowWindows >= 2) {
      this.stats.latencyBackoffs++;
      this.slowWindows = 0;
      this.cut(0.75);
    } else if (this.waited && this.limit < this.max && !this.slowWindows) {
      this.limit++;
    }
    this.samples = [];
    this.waited = false;
    this.windowStart = this.now();
  }

  private cut(factor: number): void {
    this.limit = Math.max(1, Math.floor(this.limit * factor));
    this.stats.lowest = Math.min(this.stats.lowest, this.limit);
    // What was measured at the old limit says nothing about the new one.
    this.samples = [];
    this.windowStart = this.now();
  }
}
