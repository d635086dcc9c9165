import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_MATRIX_PATH, PROJECT_ROOT } from '../lib/matrix/load.ts';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DHP_') && !k.startsWith('VITEST')));
  return spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), ...args], { cwd: PROJECT_ROOT, env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
};

describe('CLI usage and configuration errors exit 2 with a clear message', () => {
  test('a malformed capabilities.json names the JSON path of the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dhp-matrix-'));
    const m = JSON.parse(readFileSync(DEFAULT_MATRIX_PATH, 'utf8'));
    delete m.targets.playground.gaps[0].since;
    writeFileSync(join(dir, 'capabilities.json'), JSON.stringify(m));
    const r = cli(['run', '--matrix', join(dir, 'capabilities.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('$.targets.playground.gaps[0].since: is required');
  });

  test.for([
    [['run', '--target', 'nowhere'], 'unknown target "nowhere"'],
    [['run', '--profile', 'perfect'], 'unknown profile "perfect"'],
    [['run', '--suite', 'vibes'], 'unknown suite vibes'],
    [['run', '--target', 'vendor'], 'needs DHP_BASE_URL'],
    [['run', '--target', 'playground', '--profile', 'conformant'], '--profile applies to the embedded target only'],
    [['run', '--bogus'], 'Unknown option'],
    [['frobnicate'], 'unknown command'],
    [['run', '--fault', 'nonsense'], 'unknown fault "nonsense"'],
  ] as const)('%j', ([args, words]) => {
    const r = cli([...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(words);
  });

  test('a playground run without credentials says which variables to set', () => {
    const r = cli(['run', '--target', 'playground']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('DHP_CLIENT_ID and DHP_CLIENT_SECRET');
  });
});

test('regenerating the matrix reproduces the committed capabilities.json byte for byte', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dhp-matrix-')), 'capabilities.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'build-matrix.ts'), '--out', out], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(readFileSync(out, 'utf8')).toBe(readFileSync(DEFAULT_MATRIX_PATH, 'utf8'));
});
