// _sort: keys from the index tables, then an in-memory comparison of the matching ids.
// Independent of lib/search (the harness oracle): never import from there.
//
// R5 search.html: "_sort=status,-date ... the - prefix indicates descending order". Choices: a resource with several
// values sorts by its lowest value ascending and its highest value descending (a date by its range's low bound);
// a resource without a value sorts last in both directions; ties fall back to meta.lastUpdated then id (ascending).

import type Database from 'better-sqlite3';
import type { ParamDef } from './params.ts';

export interface SortKey {
  name: string;
  desc: boolean;
  def: ParamDef | null; // null for _id / _lastUpdated
}

const COLUMN: Partial<Record<string, [string, string]>> = {
  date: ['idx_date', 'low'],
  number: ['idx_number', 'low'],
  quantity: ['idx_quantity', 'low'],
  string: ['idx_string', 'norm'],
  token: ['idx_token', 'COALESCE(code, text)'],
  uri: ['idx_uri', 'uri'],
  reference: ['idx_ref', "COALESCE(url, rtype || '/' || rid)"],
};

export function sortable(def: ParamDef): boolean {
  return COLUMN[def.kind] !== undefined;
}

type Val = string | number | null;

function compareVals(a: Val, b: Val): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function sortIds(db: Database.Database, type: string, ids: string[], keys: SortKey[]): string[] {
  const base = new Map<string, number | null>(
    (db.prepare('SELECT id, last_updated FROM idx_resource WHERE type = ?').all(type) as { id: string; last_updated: number | null }[])
      .map((r) => [r.id, r.last_updated]),
  );
  const maps = keys.map((k) => {
    if (k.name === '_id') return new Map(ids.map((id) => [id, id as Val]));
    if (k.name === '_lastUpdated' && (!k.def || k.def.expression === 'Resource.meta.lastUpdated')) {
      return new Map(ids.map((id) => [id, base.get(id) ?? null]));
    }
    const [table, col] = COLUMN[k.def!.kind]!;
    const rows = db
      .prepare(`SELECT id, ${k.desc ? 'MAX' : 'MIN'}(${col}) AS v FROM ${table} WHERE type = ? AND param = ? AND node = 0 GROUP BY id`)
      .all(type, k.def!.name) as { id: string; v: Val }[];
    return new Map(rows.map((r) => [r.id, r.v]));
  });
  return [...ids].sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const va = maps[i].get(a) ?? null;
      const vb = maps[i].get(b) ?? null;
      if (va === null || vb === null) {
        const c = compareVals(va, vb);
        if (c) return c;
        continue;
      }
      const c = compareVals(va, vb) * (keys[i].desc ? -1 : 1);
      if (c) return c;
    }
    return compareVals(base.get(a) ?? null, base.get(b) ?? null) || compareVals(a, b);
  });
}
