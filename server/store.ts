// Versioned resource storage in SQLite: every version kept for vread/history, plus a current row per id for reads and search.
import Database from 'better-sqlite3';
import type { Resource } from 'fhir/r5.js';

export interface StoredVersion {
  type: string;
  id: string;
  version: number;
  lastUpdated: string;
  deleted: boolean;
  resource: Resource | null;
}

interface Row {
  type: string;
  id: string;
  version: number;
  last_updated: string;
  deleted: number;
  json: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS resource_versions (
  type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
  last_updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, json TEXT,
  PRIMARY KEY (type, id, version));
CREATE TABLE IF NOT EXISTS resources_current (
  type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
  last_updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, json TEXT,
  PRIMARY KEY (type, id));
`;

export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  if (path !== ':memory:') {
    db.pragma('journal_mode = WAL');
    // Another process (a second `serve` on the same file) may briefly hold the write lock.
    db.pragma('busy_timeout = 5000');
  }
  db.exec(SCHEMA);
  return db;
}

function toVersion(row: Row): StoredVersion {
  return {
    type: row.type,
    id: row.id,
    version: row.version,
    lastUpdated: row.last_updated,
    deleted: row.deleted === 1,
    resource: row.json ? (JSON.parse(row.json) as Resource) : null,
  };
}

/** Writes call `onChange` inside the same SQLite transaction so search indexes never drift from the data. */
export type ChangeListener = (type: string, id: string, resource: Resource | null) => void;

export class Store {
  readonly db: Database.Database;
  private readonly onChange: ChangeListener;
  private readonly stmts;

  constructor(db: Database.Database, onChange: ChangeListener) {
    this.db = db;
    this.onChange = onChange;
    this.stmts = {
      current: db.prepare<[string, string], Row>('SELECT * FROM resources_current WHERE type = ? AND id = ?'),
      version: db.prepare<[string, string, number], Row>('SELECT * FROM resource_versions WHERE type = ? AND id = ? AND version = ?'),
      history: db.prepare<[string, string], Row>('SELECT * FROM resource_versions WHERE type = ? AND id = ? ORDER BY version DESC'),
      lastVersion: db.prepare<[string, string], { v: number | null }>('SELECT MAX(version) AS v FROM resource_versions WHERE type = ? AND id = ?'),
      putVersion: db.prepare('INSERT OR REPLACE INTO resource_versions (type, id, version, last_updated, deleted, json) VALUES (?, ?, ?, ?, ?, ?)'),
      putCurrent: db.prepare('INSERT OR REPLACE INTO resources_current (type, id, version, last_updated, deleted, json) VALUES (?, ?, ?, ?, ?, ?)'),
      byUrl: db.prepare<[string, string], Row>("SELECT * FROM resources_current WHERE type = ? AND deleted = 0 AND json_extract(json, '$.url') = ?"),
    };
  }

  /** The newest version, including a deletion marker. */
  current(type: string, id: string): StoredVersion | undefined {
    const row = this.stmts.current.get(type, id);
    return row && toVersion(row);
  }

  version(type: string, id: string, version: number): StoredVersion | undefined {
    const row = this.stmts.version.get(type, id, version);
    return row && toVersion(row);
  }

  history(type: string, id: string): StoredVersion[] {
    return this.stmts.history.all(type, id).map(toVersion);
  }

  /** Highest version ever written, so a re-created id continues its history instead of reusing numbers. */
  lastVersion(type: string, id: string): number {
    return this.stmts.lastVersion.get(type, id)?.v ?? 0;
  }

  /** Live resources of a type in the given order; ids that vanished meanwhile are skipped. */
  load(type: string, ids: readonly string[]): Resource[] {
    const out: Resource[] = [];
    for (const id of ids) {
      const v = this.current(type, id);
      if (v?.resource && !v.deleted) out.push(v.resource);
    }
    return out;
  }

  findByUrl(type: string, url: string): Resource | undefined {
    const row = this.stmts.byUrl.get(type, url);
    return row?.json ? (JSON.parse(row.json) as Resource) : undefined;
  }

  /** Records a version (replacing one with the same number) and makes it current. */
  write(v: StoredVersion): void {
    const json = v.resource ? JSON.stringify(v.resource) : null;
    const args = [v.type, v.id, v.version, v.lastUpdated, v.deleted ? 1 : 0, json] as const;
    this.stmts.putVersion.run(...args);
    this.stmts.putCurrent.run(...args);
    this.onChange(v.type, v.id, v.deleted ? null : v.resource);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
