// Slices a full, deterministically ordered id list into pages and builds the self/next links that reproduce them.
import type { BundleLink } from 'fhir/r5.js';
import type { FaultSet } from './faults.ts';
import { badRequest } from './outcomes.ts';

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 500;

export interface Page {
  ids: string[];
  links: BundleLink[];
}

function nonNegativeInt(name: string, raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw badRequest('value', `${name} must be a non-negative integer, not "${raw}"`);
  return Number(raw.trim());
}

/** Query-string encoding that keeps modifier colons readable (`code:text=…`). */
export function queryString(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k).replace(/%3A/gi, ':')}=${encodeURIComponent(v)}`).join('&');
}

/**
 * Links carry only the params the search applied, so a client can see what was ignored.
 * `_offset` appears on the self link only past the first page, because only then does it identify the page.
 */
export function paginate(
  ids: readonly string[],
  control: { count: string | null; offset: string | null },
  linkBase: string,
  applied: readonly [string, string][],
  faults: FaultSet,
): Page {
  const count = Math.min(nonNegativeInt('_count', control.count, DEFAULT_COUNT), MAX_COUNT);
  const offset = nonNegativeInt('_offset', control.offset, 0);
  const url = (o: number) =>
    `${linkBase}?${queryString([...applied, ['_count', String(count)], ...(o > 0 ? [['_offset', String(o)] as const] : [])])}`;
  const links: BundleLink[] = [{ relation: 'self', url: url(offset) }];
  // paging-no-next: the first page is all a client can reach (Bundle.total still counts every match).
  if (count > 0 && offset + count < ids.length && !faults.has('paging-no-next')) {
    // paging-repeats: the next page overlaps the previous one by one entry.
    const next = faults.has('paging-repeats') && count > 1 ? offset + count - 1 : offset + count;
    links.push({ relation: 'next', url: url(next) });
  }
  return { ids: ids.slice(offset, offset + count), links };
}
