// `npm run spec:update -- <dir>` copies a spec drop (the folder handed over, laid out as spec/ is) into spec/,
// gzip's files of 1 MiB and more, records every file's sha256 and upstream provenance in spec/SOURCES.json and
// prints what changed (types, params, profiles, code systems, … added and removed).
// `npm run spec:update -- --check` verifies the committed copy against its manifest (exit 1 on any mismatch).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { COMMITTED_SPEC_DIR, readManifest, SPEC_MANIFEST, type SpecManifest, type SpecManifestEntry } from '../lib/spec/files.ts';
import { contentOf, describeChanges, entryFor, listFiles, specInventory, verifySpec } from '../lib/spec/manifest.ts';

/** Provenance of the drop's own documents, which carry no machine-readable source of their own. */
const DOCUMENT_NOTES: Record<string, Pick<SpecManifestEntry, 'repository' | 'note'>> = {
  'README.md': { note: 'index of the drop, written by whoever handed it over' },
  'dhp-api-access-page.txt': { repository: 'uzinfocom-org/digital-health-ig', note: 'text of the IG\'s published "API access" page (uz.dhp.core 0.5.0 ci-build), as handed over' },
  'dhp-ig-facts.md': { repository: 'uzinfocom-org/digital-health-ig', note: 'facts gathered from the IG\'s sources; each section names the repository paths it read' },
  'dhp-ig-capabilities.json': { repository: 'uzinfocom-org/digital-health-ig', note: 'machine-readable form of the facts; its "sources" field names each CapabilityStatement\'s repository and commit' },
};

/** `data/SOURCES.md` rows: | `file` | repo | `path` | `commit` | … */
function dataSources(drop: string): Map<string, Pick<SpecManifestEntry, 'repository' | 'upstreamPath' | 'commit'>> {
  const out = new Map<string, Pick<SpecManifestEntry, 'repository' | 'upstreamPath' | 'commit'>>();
  let text = '';
  try { text = readFileSync(join(drop, 'data', 'SOURCES.md'), 'utf8'); } catch { return out; }
  for (const line of text.split('\n')) {
    const m = /^\| `([^`]+)` \| ([\w.-]+\/[\w.-]+) \| `([^`]+)` \| `([0-9a-f]{40})` \|/.exec(line);
    if (m) out.set(`data/${m[1]}`, { repository: m[2], upstreamPath: m[3], commit: m[4] });
  }
  return out;
}

function igSource(drop: string): Pick<SpecManifestEntry, 'repository' | 'commit' | 'note'> | undefined {
  try {
    const src = (JSON.parse(readFileSync(join(drop, 'ig', 'index.json'), 'utf8')) as { source?: { repo: string; commit: string } }).source;
    return src && { repository: src.repo, commit: src.commit, note: 'compiled with SUSHI from that commit (ig/SOURCES.md says how)' };
  } catch { return undefined; }
}

function manifestOf(drop: string): SpecManifest {
  const data = dataSources(drop), ig = igSource(drop);
  const files = listFiles(drop).map((path) => ({
    ...entryFor(path, readFileSync(join(drop, path))),
    ...(DOCUMENT_NOTES[path] ?? data.get(path) ?? (path.startsWith('ig/') ? ig : undefined) ?? {}),
  }));
  return { drop: { from: resolve(drop), copiedAt: new Date().toISOString().slice(0, 10) }, files };
}

function inventoryOf(read: (rel: string) => Buffer | undefined, files: string[]) {
  return specInventory((rel) => {
    const b = read(rel);
    try { return b && JSON.parse(b.toString('utf8')); } catch { return undefined; }
  }, files);
}

function update(drop: string, dest: string): void {
  const before = (() => { try { return readManifest(dest); } catch { return undefined; } })();
  const next = manifestOf(drop);
  if (!next.files.length) throw new Error(`${drop} holds no files`);
  const oldBy = new Map(before?.files.map((e) => [e.path, e]) ?? []);
  const beforeInv = inventoryOf((rel) => { const e = oldBy.get(rel); return e && contentOf(dest, e); }, [...oldBy.keys()]);

  rmSync(dest, { recursive: true, force: true });
  for (const e of next.files) {
    const content = readFileSync(join(drop, e.path));
    const file = join(dest, e.stored === 'gzip' ? `${e.path}.gz` : e.path);
    mkdirSync(dirname(file), { recursive: true });
    // level 9 and no file name or time in the header: the same drop always gives the same bytes.
    writeFileSync(file, e.stored === 'gzip' ? gzipSync(content, { level: 9 }) : content);
  }
  // The drop's own folder name is the machine's, not the repository's: keep only its last two segments.
  next.drop.from = next.drop.from.split(/[\\/]/).slice(-2).join('/');
  writeFileSync(join(dest, SPEC_MANIFEST), `${JSON.stringify(next, null, 2)}\n`);

  const afterInv = inventoryOf((rel) => { try { return readFileSync(join(drop, rel)); } catch { return undefined; } }, next.files.map((e) => e.path));
  const changed = next.files.filter((e) => oldBy.has(e.path) && oldBy.get(e.path)!.sha256 !== e.sha256).map((e) => e.path);
  const gz = next.files.filter((e) => e.stored === 'gzip');
  console.log(`spec/: ${next.files.length} files from ${drop} (${gz.length} stored gzip'd: ${gz.map((e) => e.path).join(', ') || 'none'})`);
  console.log(before ? 'changes against the previous copy:' : 'first copy:');
  for (const l of describeChanges(beforeInv, afterInv, changed)) console.log(l);
  const problems = verifySpec(dest);
  if (problems.length) throw new Error(`the copy does not verify:\n${problems.join('\n')}`);
  console.log('regenerate the matrix next: npm run matrix');
}

const args = process.argv.slice(2);
if (args[0] === '--check') {
  const problems = verifySpec(COMMITTED_SPEC_DIR);
  for (const p of problems) console.error(p);
  console.log(problems.length ? `spec/ does not match ${SPEC_MANIFEST}: ${problems.length} problem(s)` : `spec/ matches ${SPEC_MANIFEST} (${readManifest().files.length} files)`);
  process.exitCode = problems.length ? 1 : 0;
} else if (args.length === 1 && !args[0]!.startsWith('-')) {
  try {
    update(resolve(args[0]!), COMMITTED_SPEC_DIR);
  } catch (e) {
    console.error(`spec:update: ${(e as Error).message}`);
    process.exitCode = 2;
  }
} else {
  console.error('usage: npm run spec:update -- <drop-dir>   (copy a newer spec drop into spec/)\n       npm run spec:update -- --check        (verify spec/ against spec/SOURCES.json)');
  process.exitCode = 2;
}
