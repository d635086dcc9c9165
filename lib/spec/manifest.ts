// Builds, verifies and compares the manifest of the spec/ copy (spec/SOURCES.json): every file the product reads,
// its sha256 as handed over, how it is stored, and the upstream repository and commit it comes from.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GZIP_FROM_BYTES, readManifest, SPEC_MANIFEST, type SpecManifest, type SpecManifestEntry } from './files.ts';

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Every file under `dir`, as forward-slash paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** The manifest entry of one handed-over file (its uncompressed bytes). */
export function entryFor(path: string, content: Buffer): SpecManifestEntry {
  return { path, stored: content.length >= GZIP_FROM_BYTES ? 'gzip' : 'verbatim', bytes: content.length, sha256: sha256(content) };
}

/** The handed-over bytes of a committed file, whichever way it is stored. */
export function contentOf(dir: string, e: SpecManifestEntry): Buffer {
  const raw = readFileSync(join(dir, e.stored === 'gzip' ? `${e.path}.gz` : e.path));
  return e.stored === 'gzip' ? gunzipSync(raw) : raw;
}

/** What is wrong with the committed copy: files whose sha256 differs, files missing, files the manifest does not list. */
export function verifySpec(dir: string): string[] {
  if (!existsSync(join(dir, SPEC_MANIFEST))) return [`${SPEC_MANIFEST} is missing in ${dir}`];
  const m = readManifest(dir);
  const problems: string[] = [];
  const stored = new Set(m.files.map((e) => (e.stored === 'gzip' ? `${e.path}.gz` : e.path)));
  for (const e of m.files) {
    const file = e.stored === 'gzip' ? `${e.path}.gz` : e.path;
    if (!existsSync(join(dir, file))) { problems.push(`${file}: listed in ${SPEC_MANIFEST} but missing`); continue; }
    const got = sha256(contentOf(dir, e));
    if (got !== e.sha256) problems.push(`${file}: sha256 ${got}, ${SPEC_MANIFEST} records ${e.sha256}`);
  }
  for (const f of listFiles(dir)) {
    if (f !== SPEC_MANIFEST && !stored.has(f)) problems.push(`${f}: not listed in ${SPEC_MANIFEST}`);
  }
  return problems;
}

interface CsLike { rest?: { resource?: { type: string; searchParam?: { name: string }[] }[] }[] }
interface IgIndexLike { profiles?: { id: string }[]; codeSystems?: { url: string }[]; valueSets?: { url: string }[]; examples?: { resourceType: string; id: string }[]; conceptMaps?: { url: string }[] }

/** The names a drop declares, by kind, so two drops can be compared by what they mean rather than by bytes. */
export function specInventory(read: (rel: string) => unknown | undefined, files: string[]): Record<string, Set<string>> {
  const inv: Record<string, Set<string>> = {
    'resource types': new Set(), 'search params': new Set(), profiles: new Set(), 'code systems': new Set(),
    'value sets': new Set(), 'concept maps': new Set(), examples: new Set(), files: new Set(files),
  };
  for (const f of files.filter((x) => /^data\/CapabilityStatement-.*\.json$/.test(x))) {
    for (const r of (read(f) as CsLike | undefined)?.rest?.[0]?.resource ?? []) {
      inv['resource types']!.add(r.type);
      for (const p of r.searchParam ?? []) inv['search params']!.add(`${r.type}:${p.name}`);
    }
  }
  const ig = read('ig/index.json') as IgIndexLike | undefined;
  for (const p of ig?.profiles ?? []) inv.profiles!.add(p.id);
  for (const c of ig?.codeSystems ?? []) inv['code systems']!.add(c.url);
  for (const v of ig?.valueSets ?? []) inv['value sets']!.add(v.url);
  for (const c of ig?.conceptMaps ?? []) inv['concept maps']!.add(c.url);
  for (const e of ig?.examples ?? []) inv.examples!.add(`${e.resourceType}/${e.id}`);
  return inv;
}

/** Lines saying what was added and removed, kind by kind (first few names of each). */
export function describeChanges(before: Record<string, Set<string>>, after: Record<string, Set<string>>, changedFiles: string[]): string[] {
  const lines: string[] = [];
  const show = (xs: string[]) => `${xs.slice(0, 8).join(', ')}${xs.length > 8 ? `, … (${xs.length - 8} more)` : ''}`;
  for (const kind of Object.keys(after)) {
    const b = before[kind] ?? new Set<string>(), a = after[kind]!;
    const added = [...a].filter((x) => !b.has(x)).sort(), removed = [...b].filter((x) => !a.has(x)).sort();
    if (added.length) lines.push(`  ${kind}: +${added.length} ${show(added)}`);
    if (removed.length) lines.push(`  ${kind}: -${removed.length} ${show(removed)}`);
  }
  if (changedFiles.length) lines.push(`  files changed in place: ${changedFiles.length} ${show(changedFiles)}`);
  return lines.length ? lines : ['  nothing changed'];
}

export type { SpecManifest };
