// What a suite needs in its worker: the run context, the matrix, the target's gaps and FHIR clients
// (one authenticated, one anonymous) that share the run's limit on requests in flight and its request log.
// Built once per worker.
import { join } from 'node:path';
import { FhirClient } from '../client/http.ts';
import { DEFAULT_CONCURRENCY, gateFromEnv } from '../client/limiter.ts';
import { RequestLog } from '../client/request-log.ts';
import { TokenSource } from '../client/token.ts';
import { registerSecret } from '../client/redact.ts';
import { credentialsFromEnv, type Credentials } from '../config/target.ts';
import { GapBook } from '../matrix/gaps.ts';
import { loadMatrix } from '../matrix/load.ts';
import type { Capability, Matrix } from '../matrix/types.ts';
import { runContext, type RunContext } from './context.ts';
import { draw, type Draw } from './seed.ts';

export interface Session {
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
  /** A stream of the run seed's values, named by `label` (one label per consumer: the values do not depend on order). */
  draw(label: string): Draw;
}

let current: Session | undefined;

export function session(): Session {
  if (current) return current;
  const ctx = runContext();
  const { matrix } = loadMatrix(ctx.matrixFile);
  const credentials = credentialsFromEnv();
  registerSecret(credentials?.clientSecret);
  registerSecret(process.env.DHP_TEST_PASSWORD);
  const tokens = credentials && new TokenSource({ tokenUrl: ctx.target.tokenUrl, clientAuth: ctx.target.clientAuth, ...credentials });
  const timeoutMs = Number(process.env.DHP_TIMEOUT_MS ?? 30_000);
  // Enough connections that a granted request never queues inside the pool (the limit is the gate's to enforce).
  const connections = Number(process.env.DHP_CONNECTIONS ?? process.env.DHP_CONCURRENCY ?? DEFAULT_CONCURRENCY);
  const gate = gateFromEnv();
  const log = new RequestLog(join(ctx.runDir, 'requests'));
  current = {
    ctx, matrix, credentials, tokens,
    capabilities: new Map(matrix.capabilities.map((c) => [c.id, c])),
    gaps: new GapBook(ctx.target.gaps),
    client: new FhirClient({ baseUrl: ctx.target.baseUrl, token: tokens && (() => tokens.get()), timeoutMs, connections, gate, log }),
    anonymous: new FhirClient({ baseUrl: ctx.target.baseUrl, timeoutMs, connections: 4, gate, log }),
    draw: (label) => draw(ctx.seed, label),
  };
  return current;
}
