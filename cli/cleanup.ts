// `dhp-conformance cleanup`: sweep every resource carrying the harness's run tag (of one run, or of all), page by
// page and type by type until a search finds none; report what the target cannot or would not delete, and why.
// Exit 0 when nothing deletable is left, 1 when something the target could delete remains (or could not be listed).
import { FhirClient } from '../lib/client/http.ts';
import { localGate, parseConcurrency } from '../lib/client/limiter.ts';
import { TokenSource } from '../lib/client/token.ts';
import { readEnv } from '../lib/config/env.ts';
import { ConfigError, credentialsFromEnv, resolveTarget } from '../lib/config/target.ts';
import { reusedAcrossRuns } from '../lib/fixtures/reuse.ts';
import { runTag } from '../lib/fixtures/run-tag.ts';
import { sweep } from '../lib/fixtures/teardown.ts';
import { loadMatrix } from '../lib/matrix/load.ts';
import { EXIT } from '../lib/report/results.ts';

const SHOWN = 20;

export async function cleanup(targetName: string | undefined, runId: string | undefined, concurrencyText?: string): Promise<number> {
  if (!targetName) throw new ConfigError('cleanup needs --target <name|url> (the embedded server keeps nothing between runs)');
  const concurrency = parseConcurrency(concurrencyText, readEnv().concurrency);
  const { matrix } = loadMatrix();
  const target = resolveTarget(matrix, { target: targetName });
  if (target.embedded) throw new ConfigError('the embedded server keeps nothing between runs: nothing to clean up');
  if (target.readOnly) throw new ConfigError(`target "${target.name}" is read-only: the harness never wrote there`);
  const credentials = credentialsFromEnv();
  if (!credentials) throw new ConfigError('cleanup needs DHP_CLIENT_ID and DHP_CLIENT_SECRET');
  const tokens = new TokenSource({ tokenUrl: target.tokenUrl!, clientAuth: target.clientAuth, ...credentials });
  const client = new FhirClient({
    baseUrl: target.baseUrl!, token: () => tokens.get(), connections: concurrency,
    gate: localGate(concurrency),
  });
  try {
    const scope = runId ? `run ${runId}` : 'every run';
    const report = await sweep(client, matrix, runId ? runTag(runId) : undefined, {
      onType: (type, deleted) => process.stdout.write(`\rsweeping ${type.padEnd(30)} ${deleted} deleted`),
    });
    process.stdout.write('\r'.padEnd(60) + '\r');
    console.log(`cleanup of ${scope} at ${target.baseUrl}: deleted ${report.deleted}`);
    for (const u of report.undeletable) {
      const reused = reusedAcrossRuns(matrix.resources.find((r) => r.type === u.type)!);
      console.log(`  kept ${u.count} ${u.type}: ${u.reason} (${reused ? 'the planter reuses these fixtures across runs' : 'nor update: each run adds what it plants'})`);
    }
    for (const f of report.failed.slice(0, SHOWN)) console.log(`  ✗ could not delete ${f.ref}: ${f.reason}`);
    if (report.failed.length > SHOWN) console.log(`  … and ${report.failed.length - SHOWN} more refused deletes`);
    for (const r of report.remaining) console.log(`  ✗ ${r.count} tagged ${r.type} still found after the sweep`);
    for (const u of report.unsearchable) console.log(`  ✗ could not list tagged ${u.type}: ${u.reason}`);
    const left = report.failed.length + report.remaining.reduce((n, r) => n + r.count, 0);
    if (left || report.unsearchable.length) {
      console.log(`${left} resources of deletable types are left${report.unsearchable.length ? `, ${report.unsearchable.length} types could not be listed` : ''}`);
      return EXIT.failures;
    }
    console.log('no tagged resource of a deletable type is left');
    return EXIT.conformant;
  } finally {
    await client.close();
  }
}
