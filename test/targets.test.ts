import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FhirClient } from '../lib/client/http.ts';
import { TokenSource } from '../lib/client/token.ts';
import { tagQuery } from '../lib/fixtures/run-tag.ts';
import { DEFAULT_MATRIX_PATH } from '../lib/matrix/load.ts';
import { startServer, type RunningServer } from '../server/index.ts';
import { idsWith, runCli } from './support/run-cli.ts';

// Real targets are reached by URL: here a reference server the test starts plays one, so the URL, vendor and
// read-only paths of the CLI run exactly as they would against a remote server.
let server: RunningServer;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = await startServer({ profile: 'conformant', quiet: true });
  env = { DHP_TOKEN_URL: server.tokenUrl, DHP_CLIENT_ID: server.clientId, DHP_CLIENT_SECRET: server.clientSecret };
});
afterAll(async () => { await server.close(); });

describe('a read-only target is never written to', () => {
  test('write suites are not-run with the reason, read-only checks still judge, and no write reached the server', async () => {
    const run = await runCli(['run', '--target', server.baseUrl, '--suite', 'concurrency,transactions,availability'], { ...env, DHP_READ_ONLY: '1' });
    expect(run.code, run.stderr).toBe(0);
    const caps = run.results!.capabilities;
    for (const c of caps.filter((x) => x.suite === 'concurrency' || x.suite === 'transactions')) {
      expect([c.id, c.verdict, c.reason]).toEqual([c.id, 'not-run', 'target "url" is read-only: the harness never writes there']);
    }
    // server:create-read is the availability suite's one write: not-run there too.
    expect(caps.find((c) => c.id === 'server:create-read')?.verdict).toBe('not-run');
    expect(idsWith(run.results, 'pass')).toEqual(caps.filter((c) => c.suite === 'availability' && c.id !== 'server:create-read').map((c) => c.id).sort());

    const tokens = new TokenSource({ tokenUrl: server.tokenUrl, clientId: server.clientId, clientSecret: server.clientSecret, clientAuth: 'client_secret_post' });
    const client = new FhirClient({ baseUrl: server.baseUrl, token: () => tokens.get() });
    for (const type of ['Patient', 'Observation', 'Encounter', 'EpisodeOfCare']) {
      const res = await client.search(type, [['_tag', tagQuery()], ['_total', 'accurate']]);
      expect([type, res.body.total]).toEqual([type, 0]);
    }
    await client.close();
  });
});

describe('a gap that no longer reproduces is reported as closed', () => {
  // A vendor matrix claiming the Patient endpoint is not enabled, against a server where it is.
  const matrixWithGap = () => {
    const m = JSON.parse(readFileSync(DEFAULT_MATRIX_PATH, 'utf8'));
    m.targets.vendor.gaps = [{ capability: 'endpoint:Patient', kind: 'not-enabled', reason: 'Patient endpoint not enabled yet (self-test)', since: '2026-06-03' }];
    const file = join(mkdtempSync(join(tmpdir(), 'dhp-matrix-')), 'capabilities.json');
    writeFileSync(file, JSON.stringify(m));
    return file;
  };

  test.for([
    [[], 0, 'conformant'],
    [['--strict-gaps'], 3, 'gap-closed'],
  ] as const)('with %j the run exits %d (%s) and endpoint:Patient is gap-closed', async ([flags, code, outcome]) => {
    const run = await runCli(['run', '--target', 'vendor', '--suite', 'availability', '--matrix', matrixWithGap(), ...flags], { ...env, DHP_BASE_URL: server.baseUrl });
    expect([run.code, run.results?.outcome], run.stderr).toEqual([code, outcome]);
    expect(idsWith(run.results, 'gap-closed')).toEqual(['endpoint:Patient']);
  });
});
