// The server's own reader of the IG's files (spec/ig; the largest stored gzip'd), never the harness's.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const IG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'spec', 'ig');

/** `rel` (e.g. `index.json`, `resources/X.json`) under `dir`, parsed; read from `rel.gz` when only that is there. */
export function readIgJson<T>(rel: string, dir = IG_DIR): T {
  const plain = join(dir, rel);
  const text = existsSync(plain) ? readFileSync(plain, 'utf8') : gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
  return JSON.parse(text) as T;
}
