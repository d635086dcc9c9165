// Test-only stand-in for server/search/engine.ts (another helper's module), so the core's tests do not depend on it.
// It reads the live rows straight from SQLite, so a rolled-back transaction leaves no trace in results either.
import type { Resource } from 'fhir/r5.js';
import type Database from 'better-sqlite3';
import type { Matrix } from '../lib/matrix/types.ts';
import type { FaultSet } from './faults.ts';

/** What the stand-in engine was last constructed with, so tests can check what the server passes on. */
export const engineSeen: { unfiltered?: ReadonlySet<string>; faults?: FaultSet } = {};

/** Filters on `_id` and `status` only, ordered by lastUpdated then id like the real engine. */
export function createStubSearchEngine(db: Database.Database, _matrix: Matrix, opts: { unfiltered: ReadonlySet<string>; faults: FaultSet }) {
  engineSeen.unfiltered = opts.unfiltered;
  engineSeen.faults = opts.faults;
  const live = db.prepare<[string], { json: string }>('SELECT json FROM resources_current WHERE type = ? AND deleted = 0 ORDER BY last_updated, id');
  return {
    index(_type: string, _id: string, _r: Resource | null) {},
    search(type: string, params: [string, string][], o: { strict: boolean }) {
      const known = params.filter(([k]) => k === '_id' || k === 'status');
      const unknown = params.find(([k]) => k !== '_id' && k !== 'status');
      if (o.strict && unknown) {
        throw Object.assign(new Error('unknown'), {
          status: 400,
          outcome: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported', diagnostics: `Unknown search parameter ${unknown[0]}` }] },
        });
      }
      const rs = live
        .all(type)
        .map((row) => JSON.parse(row.json) as Record<string, unknown>)
        .filter((r) => known.every(([k, v]) => v.split(',').includes(String(r[k === '_id' ? 'id' : k]))));
      return { ids: rs.map((r) => String(r.id)), applied: known };
    },
  };
}
