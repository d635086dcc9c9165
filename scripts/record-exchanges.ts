// Records the exchanges the unit tests of lib/checks replay (lib/checks/replay.ts): each check of the auth,
// concurrency and transactions concerns, run once per scenario against the embedded reference server (conformant, or
// with one fault switched on), with a fixed seed and run id. Redacted like every evidence file. Deterministic enough
// to review: ids and dates change between recordings, the requests and verdicts do not.
//   npm run record-exchanges            (rewrites lib/checks/recordings/*.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthSetup } from '../lib/checks/auth.ts';
import { plainContext } from '../lib/checks/context.ts';
import { RECORDED_CHECKS, RECORDING_RUN_ID, RECORDING_SEED, RECORDINGS_DIR, SCENARIOS } from '../lib/checks/recorded.ts';
import { recorded, type RecordedExchange, type Recording } from '../lib/checks/replay.ts';
import { FhirClient, type Exchange } from '../lib/client/http.ts';
import { registerSecret } from '../lib/client/redact.ts';
import { inScope } from '../lib/client/scope.ts';
import { TokenSource } from '../lib/client/token.ts';
import { runTag } from '../lib/fixtures/run-tag.ts';
import { WriteFixtures } from '../lib/fixtures/write-fixtures.ts';
import { seedSource } from '../lib/run/seed.ts';
import { parseFaults } from '../server/faults.ts';
import { startServer } from '../server/index.ts';

async function recordScenario(scenario: string, faults: string[], prefixes: string[]): Promise<Recording[]> {
  const server = await startServer({ profile: 'conformant', faults: parseFaults(faults), quiet: true });
  registerSecret(server.clientSecret);
  const tokens = new TokenSource({ tokenUrl: server.tokenUrl, clientAuth: 'client_secret_post', clientId: server.clientId, clientSecret: server.clientSecret });
  const client = new FhirClient({ baseUrl: server.baseUrl, token: () => tokens.get(), maxRetries: 0 });
  const anonymous = new FhirClient({ baseUrl: server.baseUrl, maxRetries: 0 });
  const out: Recording[] = [];
  try {
    for (const [check, run] of Object.entries(RECORDED_CHECKS).filter(([id]) => prefixes.some((p) => id.startsWith(p)))) {
      // The check's requests, on either client (lib/client/scope.ts).
      const exchanges: Exchange[] = [];
      const scope = { id: `record:${scenario}:${check}`, kind: 'other' as const, suites: [], name: check, exchanges };
      const seeds = seedSource(RECORDING_SEED, RECORDING_RUN_ID);
      const fx = new WriteFixtures(client, runTag(RECORDING_RUN_ID), seeds);
      const a: AuthSetup = {
        targetName: 'local', tokenUrl: server.tokenUrl, sso: anonymous, tag: fx.tag,
        credentials: { clientId: server.clientId, clientSecret: server.clientSecret }, driver: () => Promise.reject(new Error('not recorded')),
      };
      await inScope(scope, () => run(plainContext(client, anonymous, seeds), fx, a)).catch(() => undefined);
      out.push({ check, scenario, faults, seed: RECORDING_SEED, runId: RECORDING_RUN_ID, exchanges: exchanges.map(recorded).filter((e): e is RecordedExchange => !!e) });
    }
  } finally {
    await Promise.all([client.close(), anonymous.close()]);
    await server.close();
  }
  return out;
}

mkdirSync(RECORDINGS_DIR, { recursive: true });
for (const [scenario, { faults, checks }] of Object.entries(SCENARIOS)) {
  const recordings = await recordScenario(scenario, faults, checks);
  writeFileSync(join(RECORDINGS_DIR, `${scenario}.json`), `${JSON.stringify(recordings)}\n`);
  console.log(`${scenario}: ${recordings.length} checks, ${recordings.reduce((n, r) => n + r.exchanges.length, 0)} exchanges`);
}
