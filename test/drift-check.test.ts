// `matrix --check <url>`: a /metadata that cannot be compared prints one clear line and exits 2 (not 1, which
// means "drift found"); a real drift prints a table grouped by type, however many parameters differ.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_MATRIX_PATH, PROJECT_ROOT } from '../lib/matrix/load.ts';
import type { Matrix } from '../lib/matrix/types.ts';

const matrix = JSON.parse(readFileSync(DEFAULT_MATRIX_PATH, 'utf8')) as Matrix;
/** A CapabilityStatement declaring exactly what the matrix holds. */
const sameAsMatrix = () => ({
  resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '5.0.0',
  rest: [{ mode: 'server', resource: matrix.resources.map((r) => ({
    type: r.type, interaction: r.interactions.map((code) => ({ code })),
    searchParam: [...r.searchParams.map((p) => ({ name: p.name, type: p.type })), ...r.resultParams.map((name) => ({ name, type: 'special' }))],
  })) }],
});
/** Ten types lose every search parameter (hundreds of differences), one type goes, one comes, Patient gains patch. */
const drifted = () => {
  const cs = sameAsMatrix();
  const resources = cs.rest[0]!.resource;
  for (const r of resources.slice(0, 10)) r.searchParam = [];
  resources.find((r) => r.type === 'Patient')!.interaction.push({ code: 'patch' });
  resources.find((r) => r.type === 'Observation')!.searchParam.push({ name: 'x-local', type: 'token' });
  cs.rest[0]!.resource = [...resources.filter((r) => r.type !== 'Flag'), { type: 'Library', interaction: [{ code: 'read' }], searchParam: [] }];
  return cs;
};

const json = (body: unknown, type = 'application/fhir+json') => ({ type, body: JSON.stringify(body) });
const ROUTES: Record<string, { status?: number; type?: string; body?: string; hang?: boolean }> = {
  '/same': json(sameAsMatrix()),
  '/drift': json(drifted()),
  '/html': { type: 'text/html; charset=utf-8', body: '<!doctype html><html><body>Sign in</body></html>' },
  '/token': { status: 401, type: 'application/json', body: '{"error":"invalid_token"}' },
  '/bundle': json({ resourceType: 'Bundle', type: 'searchset', entry: [] }),
  '/text': { type: 'text/plain', body: 'OK' },
  '/slow': { hang: true },
};

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const r = ROUTES[req.url!.replace(/\/metadata$/, '')];
    if (!r) { res.writeHead(404).end(); return; }
    if (r.hang) return;
    res.writeHead(r.status ?? 200, { 'content-type': r.type! }).end(r.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

function check(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DHP_|VITEST|TINYPOOL)/.test(k) && k !== 'NODE_OPTIONS'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), 'matrix', '--check', url], {
    cwd: PROJECT_ROOT, env: { ...env, DHP_TIMEOUT_MS: '1500' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((ok) => child.on('close', (code) => ok({ code, stdout, stderr })));
}

describe('matrix --check against a /metadata that cannot be compared: one line, exit 2', () => {
  test.concurrent.for([
    ['/html', 'answered 200 with an HTML page, not a CapabilityStatement'],
    ['/token', 'answered 401: /metadata wants a token'],
    ['/bundle', 'answered 200 Bundle, not a CapabilityStatement'],
    ['/text', 'answered 200 with a body that is not JSON'],
    ['/slow', 'gave no answer within 2 s'],
    ['unreachable', 'failed: ECONNREFUSED'],
  ] as const)('%s', async ([path, words]) => {
    const r = await check(path === 'unreachable' ? 'http://127.0.0.1:1/fhir' : `${base}${path}`);
    expect(r.code, r.stderr).toBe(2);
    const lines = `${r.stdout}${r.stderr}`.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^matrix --check: GET \S+\/metadata /);
    expect(lines[0]).toContain(words);
  });
});

describe('matrix --check against a CapabilityStatement', () => {
  test.concurrent('the same declarations as the matrix: no drift, exit 0', async () => {
    const r = await check(`${base}/same`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no drift');
  });

  test.concurrent('hundreds of differences read as a table grouped by type, exit 1', async () => {
    const r = await check(`${base}/drift`);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const removed = matrix.resources.slice(0, 10).reduce((n, x) => n + x.searchParams.length, 0);
    expect(removed).toBeGreaterThan(200);
    expect(lines.length).toBeLessThan(25);
    expect(r.stdout).toContain('+1 declared by the server, not in the matrix: Library');
    expect(r.stdout).toContain('-1 in the matrix, not declared by the server: Flag');
    expect(r.stdout).toMatch(/\nPatient\s+\+patch\s/);
    expect(r.stdout).toMatch(/\nObservation\s+·\s+\+1\/-\d+: \+x-local -_has/);
    expect(r.stdout).toContain(`search parameters +1 -${removed - matrix.resources.slice(0, 10).filter((x) => x.type === 'Flag').reduce((n, x) => n + x.searchParams.length, 0)}`);
  });
});
