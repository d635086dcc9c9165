// Exact decimals for number/quantity search: implicit ranges like [5.35, 5.45) are off by one ulp in binary floating point.

/** value = coef × 10^exp; `exp` is also the position of the last written digit, which sets the implicit precision. */
export interface Decimal {
  coef: bigint;
  exp: number;
}

const DECIMAL_RE = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/;

export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, int, frac = '', e = '0'] = m;
  const coef = BigInt(int + frac || '0');
  return { coef: sign === '-' ? -coef : coef, exp: Number(e) - frac.length };
}

/** A JSON number as its shortest decimal spelling (what the resource's JSON said, for all practical values). */
export function fromNumber(n: number): Decimal | undefined {
  return Number.isFinite(n) ? parseDecimal(String(n)) : undefined;
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return { coef: x + y, exp };
}

export function negate(a: Decimal): Decimal {
  return { coef: -a.coef, exp: a.exp };
}

/** |a| / 10, exactly. */
export function tenthOfMagnitude(a: Decimal): Decimal {
  return { coef: a.coef < 0n ? -a.coef : a.coef, exp: a.exp - 1 };
}

// Spec: "Searching on decimals involves an implicit range. The number of significant digits of the implicit range is
// the number of digits specified in the search parameter value" — i.e. ± half a unit of the last written digit.
export function implicitRange(d: Decimal): { lo: Decimal; hi: Decimal } {
  const half: Decimal = { coef: 5n, exp: d.exp - 1 };
  return { lo: add(d, negate(half)), hi: add(d, half) };
}
