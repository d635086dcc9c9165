// Target nodes arrive as untyped JSON; these guards are the only way the matchers look inside them.

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The strings of a property that may be a string or an array of strings. */
export function stringsOf(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
}
