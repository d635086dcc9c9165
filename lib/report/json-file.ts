// How the run folder's big JSON files are laid out: one line per top-level key and one line per element of a
// top-level array (a capability, a check, a parameter). Indenting every level doubled their size (results.json of a
// full run: 6.1 MB indented, 4.7 MB like this); a line per record still reads and greps like a table.
import { writeFileSync } from 'node:fs';

const block = (v: unknown): string => (Array.isArray(v) && v.length ? `[\n${v.map((x) => JSON.stringify(x)).join(',\n')}\n]` : JSON.stringify(v));

export function jsonRecords(value: unknown): string {
  if (Array.isArray(value)) return `${block(value)}\n`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{\n${entries.map(([k, v]) => `${JSON.stringify(k)}: ${block(v)}`).join(',\n')}\n}\n` : '{}\n';
  }
  return `${JSON.stringify(value)}\n`;
}

export function writeJsonRecords(file: string, value: unknown): void {
  writeFileSync(file, jsonRecords(value));
}
