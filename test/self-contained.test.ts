// The repository stands on its own: its spec inputs live in spec/ (verified against spec/SOURCES.json), and no
// tracked file reads a path outside the repository root: a fresh clone with nothing beside it must build the
// matrix, run and test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../lib/matrix/load.ts';
import { COMMITTED_SPEC_DIR, readManifest } from '../lib/spec/files.ts';
import { verifySpec } from '../lib/spec/manifest.ts';

const inside = (p: string) => { const r = relative(PROJECT_ROOT, p); return r === '' || (!r.startsWith('..') && !resolve(r).startsWith(sep + '..')); };

function trackedSources(): string[] {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  return files.filter((f) => /\.(ts|mjs|cjs|js|sh|ya?ml)$/.test(f) || f === '.ci/run' || f === 'package.json');
}

/**
 * The places in one file's text that name a path outside the repository: a relative literal (`'../x'`, or a
 * `'..'` argument of join/resolve) that climbs above the root from the file's folder or from a root constant,
 * and well-known outside folders (the handover folder, absolute workspace paths).
 */
export function escapes(file: string, text: string): string[] {
  const found = new Set<string>();
  const depth = dirname(file) === '.' ? 0 : dirname(file).split('/').length;
  for (const m of text.matchAll(/['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g)) {
    if (!inside(resolve(PROJECT_ROOT, dirname(file), m[1]!))) found.add(m[0]);
  }
  // A root constant followed by '..' climbs out; a file's own folder climbs out past its depth.
  for (const m of text.matchAll(/\b[A-Z_]*ROOT\s*,\s*['"]\.\.['"]/g)) found.add(m[0]);
  for (const m of text.matchAll(/(?:import\.meta\.url|import\.meta\.dirname|__dirname)\)*((?:\s*,\s*['"]\.\.['"])+)/g)) {
    if (m[1]!.split(',').length - 1 > depth) found.add(m[0]);
  }
  for (const m of text.matchAll(/(?:\.\.\/)+shared\/|['"`]\/work\/[^'"`]*['"`]/g)) if (![...found].some((f) => f.includes(m[0]))) found.add(m[0]);
  return [...found];
}

describe('the repository stands on its own', () => {
  test('spec/ holds every input with its sha256, and the files match it', () => {
    expect(verifySpec(COMMITTED_SPEC_DIR)).toEqual([]);
    const m = readManifest();
    expect(m.files.length).toBeGreaterThan(600);
    // Provenance, not just hashes: the CapabilityStatements and the IG name their repository and commit.
    for (const e of m.files.filter((f) => f.path.startsWith('data/CapabilityStatement') || f.path.startsWith('ig/'))) {
      expect(e.repository, e.path).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(e.commit, e.path).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  test('a one-byte edit of a spec file fails verification', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dhp-spec-'));
    execFileSync('cp', ['-r', `${COMMITTED_SPEC_DIR}/.`, dir]);
    const victim = join(dir, 'dhp-api-access-page.txt');
    const text = readFileSync(victim, 'utf8');
    writeFileSync(victim, text.replace('412', '413'));
    writeFileSync(join(dir, 'stray.json'), '{}');
    const problems = verifySpec(dir);
    expect(problems.some((p) => p.startsWith('dhp-api-access-page.txt: sha256'))).toBe(true);
    expect(problems).toContain('stray.json: not listed in SOURCES.json');
  });

  test.for([
    ['lib/x/a.ts', "readFileSync(new URL('../../../shared/spec/x.json', import.meta.url))", 1],
    ['scripts/a.ts', "const SPEC = join(ROOT, '..', 'shared', 'spec')", 1],
    ['test/a.ts', "join(PROJECT_ROOT, file, '..', s)", 0],
    ['lib/matrix/load.ts', "resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')", 0],
    ['lib/matrix/load.ts', "resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')", 1],
    ['test/a.ts', "import { x } from '../lib/x.ts'", 0],
    ['a.sh', "cat /work/shared/spec/README.md", 0],
    ['a.sh', "cat '/work/shared/spec/README.md'", 1],
  ] as const)('the scanner: %s with %s → %i finding(s)', ([file, text, n]) => {
    expect(escapes(file, text), text).toHaveLength(n);
  });

  test('no tracked source, script or workflow reads a path outside the repository root', () => {
    const offenders = trackedSources().flatMap((f) => escapes(f, readFileSync(join(PROJECT_ROOT, f), 'utf8')).map((e) => `${f}: ${e}`))
      .filter((o) => !o.startsWith('test/self-contained.test.ts'));
    expect(offenders).toEqual([]);
  });

  test('the matrix builds from spec/ alone: no file outside the repository is opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dhp-opened-'));
    const log = join(dir, 'opened.txt');
    // A preload that records every path the builder opens (fs sync and promise reads both go through these).
    const hook = join(dir, 'hook.cjs');
    writeFileSync(hook, `const fs = require('fs'); const seen = [];
for (const name of ['readFileSync', 'openSync', 'readdirSync', 'existsSync', 'statSync']) {
  const orig = fs[name]; fs[name] = function (p, ...rest) { if (typeof p === 'string' || p instanceof URL) seen.push(String(p instanceof URL ? p.pathname : p)); return orig.call(this, p, ...rest); };
}
process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(log)}, seen.join('\\n')));`);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DHP_')));
    const r = spawnSync(process.execPath, ['--require', hook, '--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'build-matrix.ts'), '--out', join(dir, 'capabilities.json')], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const opened = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((p) => resolve(PROJECT_ROOT, p));
    expect(opened.some((p) => p.startsWith(join(COMMITTED_SPEC_DIR, 'data')))).toBe(true);
    // tsx's compile cache lives in the OS temp folder; everything else must be the repository's own.
    const outside = [...new Set(opened.filter((p) => !inside(p) && !p.startsWith(tmpdir()) && existsSync(p)))];
    expect(outside).toEqual([]);
  });
});
