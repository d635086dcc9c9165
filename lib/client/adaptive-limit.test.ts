import { describe, expect, test } from 'vitest';
import { AdaptiveLimit } from './adaptive-limit.ts';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

/** One window of `n` answers of `ms` each, 10 ms apart. */
function window(l: AdaptiveLimit, c: ReturnType<typeof clock>, n: number, ms: number, waiting = true): void {
  for (let i = 0; i < n; i++) {
    if (waiting) l.noteWaiting();
    c.advance(10);
    l.observe({ ms, status: 200 });
  }
}

describe('adaptive limit (AIMD)', () => {
  test('a 429 halves the limit and pauses every grant for Retry-After', () => {
    const c = clock();
    const l = new AdaptiveLimit(16, 25, c.now);
    l.observe({ ms: 5, status: 429, retryAfterMs: 2000 });
    expect(l.limit).toBe(8);
    expect(l.pausedFor()).toBe(2000);
    c.advance(1500);
    expect(l.pausedFor()).toBe(500);
    c.advance(500);
    expect(l.pausedFor()).toBe(0);
    expect(l.snapshot()).toMatchObject({ pauses: 1, lowest: 8 });
  });

  test('a 429 without Retry-After still pauses, briefly; a 503 with Retry-After counts as one', () => {
    const c = clock();
    const l = new AdaptiveLimit(4, 25, c.now);
    l.observe({ ms: 5, status: 429 });
    expect(l.pausedFor()).toBe(1000);
    l.observe({ ms: 5, status: 503, retryAfterMs: 3000 });
    expect([l.limit, l.pausedFor()]).toEqual([1, 3000]);
  });

  test('two windows in a row more than twice as slow as the best recent one cut by a quarter; steady latency under demand grows back to max', () => {
    const c = clock();
    const l = new AdaptiveLimit(16, 25, c.now);
    window(l, c, 16, 100);
    expect(l.limit).toBe(16);
    window(l, c, 16, 400);
    expect(l.limit).toBe(16);
    window(l, c, 16, 400);
    expect(l.limit).toBe(12);
    for (let i = 0; i < 10; i++) window(l, c, 16, 100);
    expect(l.limit).toBe(16);
    expect(l.snapshot().latencyBackoffs).toBe(1);
  });

  test('slow requests among fast ones (a big transaction among reads) are no slowdown of the server', () => {
    const c = clock();
    const l = new AdaptiveLimit(16, 25, c.now);
    for (let w = 0; w < 4; w++) {
      for (let i = 0; i < 16; i++) { c.advance(10); l.observe({ ms: i % 2 ? 900 : 100, status: 200 }); }
    }
    expect(l.limit).toBe(16);
  });

  test('loopback jitter (a few ms) is within the slack and does not count as a slowdown', () => {
    const c = clock();
    const l = new AdaptiveLimit(8, 25, c.now);
    window(l, c, 8, 1);
    window(l, c, 8, 20);
    window(l, c, 8, 20);
    expect(l.limit).toBe(8);
  });

  test('no demand, no growth; never below one', () => {
    const c = clock();
    const l = new AdaptiveLimit(8, 25, c.now);
    for (let i = 0; i < 6; i++) l.observe({ ms: 0, status: 0 });
    expect(l.limit).toBe(1);
    window(l, c, 8, 50, false);
    expect(l.limit).toBe(1);
  });
});
