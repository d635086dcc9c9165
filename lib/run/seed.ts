// The run seed: every value a run generates (planted search values, property inputs, markers, fake secrets)
// is drawn from it, so the same harness and matrix versions with the same seed plant the same data and reach
// the same verdicts. Each consumer draws from its own stream named by a label, so the values one check gets do
// not depend on which other checks ran first, or in which worker.
import { createHash } from 'node:crypto';

/** Seeds are unsigned 32-bit integers (fast-check takes them as they are). */
export const MAX_SEED = 0xffffffff;

/** The default seed: a function of the harness version and the matrix sha256, so two runs of the same versions agree. */
export function defaultSeed(harnessVersion: string, matrixSha256: string): number {
  return createHash('sha256').update(`${harnessVersion}\n${matrixSha256}`).digest().readUInt32BE(0);
}

/** `--seed` / DHP_SEED: a decimal integer in 0..2^32-1; anything else is a usage error (thrown as a plain Error). */
export function parseSeed(raw: string): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_SEED) throw new Error(`a seed is an integer from 0 to ${MAX_SEED}, not "${raw}"`);
  return n;
}

/** A stream of numbers in [0, 1) determined by (seed, label): sfc32 over four words of sha256(seed:label). */
export function seededRandom(seed: number, label: string): () => number {
  const h = createHash('sha256').update(`${seed}:${label}`).digest();
  let a = h.readUInt32LE(0), b = h.readUInt32LE(4), c = h.readUInt32LE(8), d = h.readUInt32LE(12);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Deterministic helpers over one labelled stream. */
export interface Draw {
  /** [0, 1) */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(xs: readonly T[]): T;
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
  /** An RFC 4122 version-4 shaped UUID. */
  uuid(): string;
  /** A 32-bit seed for a sub-generator (fast-check). */
  seed(): number;
}

export function draw(seed: number, label: string): Draw {
  const next = seededRandom(seed, label);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const hex = (bytes: number) => Array.from({ length: bytes }, () => int(0, 255).toString(16).padStart(2, '0')).join('');
  return {
    next, int, hex,
    pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)]!,
    uuid: () => {
      const h = hex(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    seed: () => int(0, MAX_SEED),
  };
}

/**
 * Where generated values come from. `draw`: the run seed alone — the same seed gives the same values in any run.
 * `perRun`: the run seed mixed with the run id, for the few values a shared server must see only once per run
 * (ids the client chooses, the transaction markers searched by tag alone, the synthetic PINFL a platform may keep
 * unique). No verdict depends on what those values are — only on their being unique — so replaying a seed still
 * reproduces every verdict.
 */
export interface SeedSource {
  draw(label: string): Draw;
  perRun(label: string): Draw;
}

export function seedSource(seed: number, runId: string): SeedSource {
  return { draw: (label) => draw(seed, label), perRun: (label) => draw(seed, `${label}@${runId}`) };
}
