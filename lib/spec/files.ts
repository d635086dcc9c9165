// The spec inputs the product reads (CapabilityStatements, the availability table, the compiled IG) live in the
// repository's spec/ folder, copied in with provenance by `npm run spec:update`. Files of 1 MiB and more are kept
// gzip'd (`x.json.gz`); readers ask for `x.json` and get the same text either way. DHP_SPEC_DIR may point at a
// newer drop (uncompressed) to regenerate the matrix from it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readEnv } from '../config/env.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const COMMITTED_SPEC_DIR = join(REPO_ROOT, 'spec');
/** The manifest of the committed copy: every file with its sha256 and where it came from. */
export const SPEC_MANIFEST = 'SOURCES.json';
/** Files at least this large are stored gzip'd. */
export const GZIP_FROM_BYTES = 1024 * 1024;

export function specDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(readEnv(env).specDir ?? COMMITTED_SPEC_DIR);
}

/** The text of `rel` under the spec folder, from `rel` or, where only that is stored, `rel.gz`. */
export function readSpecText(rel: string, dir = specDir()): string {
  const plain = join(dir, rel);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  const gz = `${plain}.gz`;
  if (existsSync(gz)) return gunzipSync(readFileSync(gz)).toString('utf8');
  throw new Error(`spec input ${rel} is missing under ${dir} (run \`npm run spec:update -- <dir>\` or set DHP_SPEC_DIR)`);
}

export function readSpecJson<T>(rel: string, dir = specDir()): T {
  return JSON.parse(readSpecText(rel, dir)) as T;
}

export function specFileExists(rel: string, dir = specDir()): boolean {
  return existsSync(join(dir, rel)) || existsSync(join(dir, `${rel}.gz`));
}

export interface SpecManifestEntry {
  /** Path under spec/ as the product reads it (without `.gz`). */
  path: string;
  /** How it is stored: verbatim, or gzip'd as `<path>.gz`. */
  stored: 'verbatim' | 'gzip';
  /** Size and sha256 of the file as handed over (the uncompressed text). */
  bytes: number;
  sha256: string;
  /** The public repository, path and commit the file was taken from, where the drop records them. */
  repository?: string;
  upstreamPath?: string;
  commit?: string;
  /** How the file came to be, where it is not a verbatim copy of one upstream file. */
  note?: string;
}

export interface SpecManifest {
  /** Where the drop came from and when it was copied in. */
  drop: { from: string; copiedAt: string };
  files: SpecManifestEntry[];
}

export function readManifest(dir = COMMITTED_SPEC_DIR): SpecManifest {
  return JSON.parse(readFileSync(join(dir, SPEC_MANIFEST), 'utf8')) as SpecManifest;
}
