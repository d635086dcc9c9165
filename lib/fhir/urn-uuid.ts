// urn:uuid references inside a transaction (API access page, Transactions: "Resources within the transaction
// can reference each other using their urn:uuid: values. The server resolves these to real IDs after processing.")
import type { Draw } from '../run/seed.ts';
import { parseLocation } from './location.ts';

export const URN_UUID = 'urn:uuid:';

/** A fresh urn:uuid from `d` (urn:uuids are local to one Bundle, so the run seed alone may choose them). */
export const newUrnUuid = (d: Draw): string => `${URN_UUID}${d.uuid()}`;

export interface ReferenceAt {
  /** JSON path of the Reference.reference string, e.g. `subject.reference`, `component[0].x.reference`. */
  path: string;
  reference: string;
}

/** Every `reference` string anywhere in a resource, with its path. */
export function referencesIn(value: unknown, path = ''): ReferenceAt[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => referencesIn(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const p = path ? `${path}.${k}` : k;
    if (k === 'reference' && typeof v === 'string') return [{ path: p, reference: v }];
    if (k === 'contained') return []; // contained resources have their own `#` references
    return referencesIn(v, p);
  });
}

/** `Type/id` of a literal reference (relative, absolute or versioned); undefined for urn:uuid / `#` / others. */
export function referenceTarget(reference: string): string | undefined {
  const target = parseLocation(reference);
  return target && `${target.type}/${target.id}`;
}

export interface UnresolvedReference { path: string; sent: string; received: string | undefined; expected: string | undefined }

/**
 * Compares a resource as sent (with urn:uuid references) with the same resource as stored: every urn:uuid the
 * request used at a path must now be a reference to the resource created for it (`created`: fullUrl → Type/id).
 */
export function unresolvedReferences(sent: unknown, stored: unknown, created: ReadonlyMap<string, string>): UnresolvedReference[] {
  const after = new Map(referencesIn(stored).map((r) => [r.path, r.reference]));
  const out: UnresolvedReference[] = [];
  for (const r of referencesIn(sent)) {
    if (!r.reference.startsWith(URN_UUID)) continue;
    const expected = created.get(r.reference);
    const received = after.get(r.path);
    if (!expected || !received || referenceTarget(received) !== expected) out.push({ path: r.path, sent: r.reference, received, expected });
  }
  // A urn:uuid the request did not use at that path must not appear either.
  for (const [path, received] of after) {
    if (received.startsWith(URN_UUID) && !out.some((u) => u.path === path)) out.push({ path, sent: received, received, expected: created.get(received) });
  }
  return out;
}
