// What a suite needs in its worker: the run context, the matrix, the target's gaps and FHIR clients
// (one authenticated, one anonymous) that share the run's limit on requests in flight and its request log.
// Built once per worker.
import { join } from 'node:path';
import { FhirClient } from '../client/http.ts';
import { DEFAULT_CONCURRENCY, gateFromEnv } from '../client/limiter.ts';
import { RequestLog } from '../client/request-log.ts';
import { TokenSource } from '../client/token.ts';
import { registerSecret } from '../client/redact.ts';
import { readEnv, type DhpEnv } from '../config/env.ts';
import { credentialsFromEnv, type Credentials } from '../config/target.ts';
import type { ServerFacts } from '../fhir/server-facts.ts';
import { GapBook } from '../matrix/gaps.ts';
import { loadMatrix } from '../matrix/load.ts';
import type { Capability, Matrix } from '../matrix/types.ts';
import { runContext, type RunContext } from './context.ts';
import { seedSource, type SeedSource } from './seed.ts';

/** Also the run's SeedSource: `draw(label)` from the run seed, `perRun(label)` mixed with the run id (lib/run/seed.ts). */
export interface Session extends SeedSource {
  ctx: RunContext;
  matrix: Matrix;
  capabilities: Map<string, Capability>;
  gaps: GapBook;
  credentials?: Credentials;
  tokens?: TokenSource;
  /** Sends the run's Bearer token. */
  client: FhirClient;
  /** Sends no token (auth checks, /metadata). */
  anonymous: FhirClient;
  /** What /metadata said, read once per run by the CLI: fhirVersion, software, declared types/interactions/params. */
  serverFacts: ServerFacts;
  /** The DHP_* environment, parsed and validated (lib/config/env.ts). */
  env: DhpEnv;
}

let current: Session | undefined;

export function session(): Session {
  if (current) return current;
  const ctx = runContext();
  const { matrix } = loadMatrix(ctx.matrixFile);
  const env = readEnv();
  const credentials = credentialsFromEnv();
  registerSecret(credentials?.clientSecret);
  registerSecret(env.login.password);
  const tokens = credentials && new TokenSource({ tokenUrl: ctx.target.tokenUrl, clientAuth: ctx.target.clientAuth, ...credentials });
  const { timeoutMs } = env;
  // Enough connections that a granted request never queues inside the pool (the limit is the gate's to enforce).
  const connections = env.connections ?? env.concurrency ?? DEFAULT_CONCURRENCY;
  const gate = gateFromEnv(env);
  const log = new RequestLog(join(ctx.runDir, 'requests'));
  current = {
    ...seedSource(ctx.seed, ctx.runId),
    ctx, matrix, credentials, tokens, env, serverFacts: ctx.server,
    capabilities: new Map(matrix.capabilities.map((c) => [c.id, c])),
    gaps: new GapBook(ctx.target.gaps),
    client: new FhirClient({ baseUrl: ctx.target.baseUrl, token: tokens && (() => tokens.get()), timeoutMs, connections, gate, log }),
    anonymous: new FhirClient({ baseUrl: ctx.target.baseUrl, timeoutMs, connections: 4, gate, log }),
  };
  return current;
}
