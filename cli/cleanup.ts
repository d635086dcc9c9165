// `dhp-conformance cleanup`: sweep every resource carrying the harness's run tag (of one run, or of all).
import { FhirClient } from '../lib/client/http.ts';
import { TokenSource } from '../lib/client/token.ts';
import { ConfigError, credentialsFromEnv, resolveTarget } from '../lib/config/target.ts';
import { runTag } from '../lib/fixtures/run-tag.ts';
import { sweep } from '../lib/fixtures/teardown.ts';
import { loadMatrix } from '../lib/matrix/load.ts';
import { EXIT } from '../lib/report/results.ts';

export async function cleanup(targetName: string | undefined, runId: string | undefined): Promise<number> {
  if (!targetName) throw new ConfigError('cleanup needs --target <name|url> (the embedded server keeps nothing between runs)');
  const { matrix } = loadMatrix();
  const target = resolveTarget(matrix, { target: targetName });
  if (target.embedded) throw new ConfigError('the embedded server keeps nothing between runs: nothing to clean up');
  if (target.readOnly) throw new ConfigError(`target "${target.name}" is read-only: the harness never wrote there`);
  const credentials = credentialsFromEnv();
  if (!credentials) throw new ConfigError('cleanup needs DHP_CLIENT_ID and DHP_CLIENT_SECRET');
  const tokens = new TokenSource({ tokenUrl: target.tokenUrl!, clientAuth: target.clientAuth, ...credentials });
  const client = new FhirClient({ baseUrl: target.baseUrl!, token: () => tokens.get() });
  try {
    const report = await sweep(client, matrix, runId ? runTag(runId) : undefined, { onType: (t) => process.stdout.write(`\rsweeping ${t.padEnd(30)}`) });
    console.log(`\rdeleted ${report.deleted}; cannot delete ${report.undeletable.length} (type without delete); failed ${report.failed.length}`);
    for (const ref of [...report.undeletable, ...report.failed]) console.log(`  left: ${ref}`);
    return report.failed.length ? EXIT.failures : EXIT.conformant;
  } finally {
    await client.close();
  }
}
