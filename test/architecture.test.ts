import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../lib/matrix/load.ts';

// The dependency rules of the project, held by a test rather than by convention:
// the harness reaches every target over HTTP only, and the oracle and the reference server stay
// two independent implementations (a bug they shared would keep every self-test green).
function sources(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(PROJECT_ROOT, path)).isDirectory() ? sources(path) : /\.ts$/.test(name) ? [path] : [];
  });
}
function imports(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2]!)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(PROJECT_ROOT, join(PROJECT_ROOT, file, '..', s)));
}

describe('dependency rules', () => {
  test.for([
    ['lib', 'server/'],
    ['suites', 'server/'],
    ['lib', 'suites/'],
    ['server', 'lib/search/'],
    ['server', 'suites/'],
  ] as const)('%s/ never imports %s', ([from, forbidden]) => {
    const offenders = sources(from).flatMap((f) => imports(f).filter((i) => i.startsWith(forbidden)).map((i) => `${f} → ${i}`));
    expect(offenders).toEqual([]);
  });

  test('server/ imports from lib/ only pure matrix types', () => {
    const offenders = sources('server').flatMap((f) => {
      const text = readFileSync(join(PROJECT_ROOT, f), 'utf8');
      return imports(f).filter((i) => i.startsWith('lib/') && !(i === 'lib/matrix/types.ts' && /import type[^;]*lib\/matrix\/types\.ts/.test(text))).map((i) => `${f} → ${i}`);
    });
    expect(offenders).toEqual([]);
  });
});
