// `cleanup` finishes the job: against a server that kept everything a run planted (1,465 tagged resources, far
// more than one page per type), it pages through every type, deletes in bounded parallel until a search finds
// none, names what the target cannot delete (no delete interaction) and why, and exits 1 when a deletable
// resource stays (here: a proxy that refuses to delete Patients).
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FhirClient } from '../lib/client/http.ts';
import { TokenSource } from '../lib/client/token.ts';
import { runTag, tagQuery, withRunTag } from '../lib/fixtures/run-tag.ts';
import { PROJECT_ROOT } from '../lib/matrix/load.ts';
import { minimalResource } from '../lib/search/plant-required.ts';
import { startServer, type RunningServer } from '../server/index.ts';

const RUN = 'cleanup-selftest-run';
const tag = runTag(RUN);
const OTHER = runTag('another-run');
// Deletable: Patient, Observation, Encounter (1,425 of them); not deletable: CodeSystem, AuditEvent (40).
const PLANT = { Patient: 300, Observation: 900, Encounter: 225, CodeSystem: 25, AuditEvent: 15 } as const;
// Minimal valid resources of each type, as the planter makes them (UZ Core mandatory elements filled).
const minimal = (type: string, i: number) => minimalResource(type, { unique: `sweep${i}`, target: (types) => `${types[0] ?? 'Patient'}/sweep-target` });

let server: RunningServer;
let client: FhirClient;

async function plant(counts: Record<string, number> = PLANT): Promise<void> {
  const entries = Object.entries(counts).flatMap(([type, n]) => Array.from({ length: n }, (_, i) => ({ resource: withRunTag(minimal(type, i), tag), request: { method: 'POST', url: type } })));
  for (let i = 0; i < entries.length; i += 500) {
    const res = await client.transaction({ resourceType: 'Bundle', type: 'transaction', entry: entries.slice(i, i + 500) }, { accept: 'any' });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
  }
  // Another run's resource, which `cleanup --run-id` must leave alone.
  expect((await client.create(withRunTag(minimal('Patient', 0), OTHER) as { resourceType: string })).status).toBe(201);
}

const count = async (type: string, t = tag) => (await client.search(type, [['_tag', tagQuery(t)], ['_total', 'accurate'], ['_count', '0']])).body.total as number;

/** The real CLI in a child process (asynchronously: the server it talks to runs in this process). */
function cleanupCli(baseUrl: string): Promise<{ status: number | null; out: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DHP_|VITEST|TINYPOOL)/.test(k) && k !== 'NODE_OPTIONS'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), 'cleanup', '--target', baseUrl, '--run-id', RUN], {
    cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, DHP_TOKEN_URL: server.tokenUrl, DHP_CLIENT_ID: server.clientId, DHP_CLIENT_SECRET: server.clientSecret },
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  return new Promise((ok) => child.on('close', (status) => { clearTimeout(timer); ok({ status, out }); }));
}

beforeAll(async () => {
  server = await startServer({ profile: 'conformant', quiet: true });
  const tokens = new TokenSource({ tokenUrl: server.tokenUrl, clientId: server.clientId, clientSecret: server.clientSecret, clientAuth: 'client_secret_post' });
  client = new FhirClient({ baseUrl: server.baseUrl, token: () => tokens.get(), timeoutMs: 120_000 });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

describe('cleanup sweeps every page of every type', () => {
  test('1,465 tagged resources: every deletable one is gone, the undeletable ones are named with the reason, exit 0', async () => {
    await plant();
    expect(await count('Observation')).toBe(900);
    const r = await cleanupCli(server.baseUrl);
    expect(r.status, r.out).toBe(0);
    for (const type of ['Patient', 'Observation', 'Encounter']) expect(await count(type)).toBe(0);
    expect(r.out).toContain('deleted 1425');
    expect(r.out).toContain('kept 25 CodeSystem: the target declares no delete interaction for this type');
    expect(r.out).toContain('kept 15 AuditEvent: the target declares no delete interaction for this type');
    expect(await count('CodeSystem')).toBe(25);
    expect(await count('Patient', OTHER)).toBe(1);
  }, 300_000);

  test('a target that refuses some deletes: the rest still goes, the refusals are named with the answer, exit 1', async () => {
    await plant({ Patient: 150, Observation: 150, Encounter: 50 });
    // A proxy that answers every DELETE of a Patient 409, as a server with referential integrity might — alone or
    // as an entry of a transaction (which is then refused whole).
    const target = new URL(server.baseUrl);
    const proxy: Server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const sent = Buffer.concat(chunks);
      const deletesPatient = req.method === 'DELETE' ? req.url!.includes('/Patient/')
        : req.method === 'POST' && /"method"\s*:\s*"DELETE"\s*,\s*"url"\s*:\s*"Patient\//.test(sent.toString());
      if (deletesPatient) {
        res.writeHead(409, { 'content-type': 'application/fhir+json' }).end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict', diagnostics: 'still referenced' }] }));
        return;
      }
      request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, async (up) => {
        // Links in the answers (next pages) point at the proxy, as a well-configured one makes them.
        let body = '';
        for await (const chunk of up) body += chunk;
        const { 'content-length': _, ...headers } = up.headers;
        res.writeHead(up.statusCode!, headers).end(body.split(target.origin).join(self));
      }).end(sent);
    });
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    const self = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const r = await cleanupCli(`${self}/fhir`);
      expect(r.status, r.out).toBe(1);
      expect(r.out).toMatch(/could not delete Patient\/\S+: DELETE answered 409 \(error\/conflict "still referenced"\)/);
      expect(r.out).toContain('150 resources of deletable types are left');
      for (const type of ['Observation', 'Encounter']) expect(await count(type)).toBe(0);
      expect(await count('Patient')).toBe(150);
    } finally {
      proxy.closeAllConnections();
      await new Promise((ok) => proxy.close(ok));
    }
  }, 300_000);
});
