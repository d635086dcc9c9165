// The search index tables (prefix idx_) and their writes. One row per indexed value.
// Independent of lib/search (the harness oracle): never import from there.
//
// Every value table has (type, id, param, node): `param` is the search param name, or `name$k` for component k of a
// composite; `node` is 0 for plain params and, for composites, the index of the base-expression node the component
// value came from (so `a$b` can demand both values from the SAME node).

import type Database from 'better-sqlite3';
import { normaliseString } from './normalize.ts';
import type { Rows } from './extract.ts';

const KEY = 'type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL, node INTEGER NOT NULL';

const DDL = `
CREATE TABLE IF NOT EXISTS idx_resource (type TEXT NOT NULL, id TEXT NOT NULL, last_updated INTEGER, PRIMARY KEY (type, id));
CREATE TABLE IF NOT EXISTS idx_present (type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS idx_present_k ON idx_present (type, param, id);
CREATE TABLE IF NOT EXISTS idx_token (${KEY}, system TEXT, code TEXT, text TEXT);
CREATE INDEX IF NOT EXISTS idx_token_k ON idx_token (type, param, code);
CREATE TABLE IF NOT EXISTS idx_string (${KEY}, norm TEXT NOT NULL, raw TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS idx_string_k ON idx_string (type, param, norm);
CREATE TABLE IF NOT EXISTS idx_date (${KEY}, low INTEGER NOT NULL, high INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS idx_date_k ON idx_date (type, param, low);
CREATE TABLE IF NOT EXISTS idx_number (${KEY}, low REAL NOT NULL, high REAL NOT NULL);
CREATE INDEX IF NOT EXISTS idx_number_k ON idx_number (type, param, low);
CREATE TABLE IF NOT EXISTS idx_quantity (${KEY}, low REAL NOT NULL, high REAL NOT NULL, system TEXT, code TEXT, unit TEXT);
CREATE INDEX IF NOT EXISTS idx_quantity_k ON idx_quantity (type, param, low);
CREATE TABLE IF NOT EXISTS idx_ref (${KEY}, rtype TEXT, rid TEXT, url TEXT, version TEXT, ident_system TEXT, ident_value TEXT);
CREATE INDEX IF NOT EXISTS idx_ref_k ON idx_ref (type, param, rid);
CREATE TABLE IF NOT EXISTS idx_uri (${KEY}, uri TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS idx_uri_k ON idx_uri (type, param, uri);
`;

export const VALUE_TABLES = ['idx_token', 'idx_string', 'idx_date', 'idx_number', 'idx_quantity', 'idx_ref', 'idx_uri'] as const;

export const TABLE_OF: Record<Rows['kind'], (typeof VALUE_TABLES)[number]> = {
  token: 'idx_token', string: 'idx_string', date: 'idx_date', number: 'idx_number',
  quantity: 'idx_quantity', reference: 'idx_ref', uri: 'idx_uri',
};

export class IndexStore {
  private readonly deletes: Database.Statement[];
  private readonly ins: Record<string, Database.Statement>;

  constructor(db: Database.Database) {
    db.exec(DDL);
    this.deletes = ['idx_resource', 'idx_present', ...VALUE_TABLES].map((t) => db.prepare(`DELETE FROM ${t} WHERE type = ? AND id = ?`));
    this.ins = {
      resource: db.prepare('INSERT INTO idx_resource (type, id, last_updated) VALUES (?, ?, ?)'),
      present: db.prepare('INSERT INTO idx_present (type, id, param) VALUES (?, ?, ?)'),
      token: db.prepare('INSERT INTO idx_token VALUES (?, ?, ?, ?, ?, ?, ?)'),
      string: db.prepare('INSERT INTO idx_string VALUES (?, ?, ?, ?, ?, ?)'),
      date: db.prepare('INSERT INTO idx_date VALUES (?, ?, ?, ?, ?, ?)'),
      number: db.prepare('INSERT INTO idx_number VALUES (?, ?, ?, ?, ?, ?)'),
      quantity: db.prepare('INSERT INTO idx_quantity VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      reference: db.prepare('INSERT INTO idx_ref VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      uri: db.prepare('INSERT INTO idx_uri VALUES (?, ?, ?, ?, ?)'),
    };
  }

  remove(type: string, id: string): void {
    for (const d of this.deletes) d.run(type, id);
  }

  addResource(type: string, id: string, lastUpdated: number | null): void {
    this.ins.resource.run(type, id, lastUpdated);
  }

  addPresent(type: string, id: string, param: string): void {
    this.ins.present.run(type, id, param);
  }

  addRows(type: string, id: string, param: string, node: number, rows: Rows): void {
    const k = [type, id, param, node];
    const st = this.ins[rows.kind];
    switch (rows.kind) {
      case 'token':
        for (const r of rows.rows) st.run(...k, r.system, r.code, r.text === null ? null : normaliseString(r.text));
        break;
      case 'string':
        for (const r of rows.rows) st.run(...k, r.norm, r.raw);
        break;
      case 'date':
      case 'number':
        for (const r of rows.rows) st.run(...k, r.low, r.high);
        break;
      case 'quantity':
        for (const r of rows.rows) st.run(...k, r.low, r.high, r.system, r.code, r.unit);
        break;
      case 'reference':
        for (const r of rows.rows) st.run(...k, r.rtype, r.rid, r.url, r.version, r.identSystem, r.identValue);
        break;
      case 'uri':
        for (const r of rows.rows) st.run(...k, r.uri);
        break;
    }
  }
}
