// Starts and stops the reference DHP server: storage, search engine, OAuth module and the HTTP listener, wired once.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../lib/matrix/types.ts';
import { type Profile, PROFILES, capabilitiesFor } from './capabilities.ts';
import type { ServerContext } from './context.ts';
import { type AuthGate, CALLBACK_PATH, FHIR_BASE_PATH, OAUTH_BASE_PATH, requestListener } from './edge.ts';
import type { FaultSet } from './faults.ts';
import { loadPlatformRecords } from './platform-records.ts';
import { createSearchEngine } from './search/engine.ts';
import { relatedCodes, valueSetCodes } from './terminology.ts';
import { Store, openDatabase } from './store.ts';

export interface ServerOptions {
  /** 0 = a free port. */
  port?: number;
  /** Default 127.0.0.1: the server is for local use only. */
  host?: string;
  /** Default 'conformant'. */
  profile?: Profile;
  faults?: FaultSet;
  /** Delay added to every response. */
  latencyMs?: number;
  /** Default ':memory:'. */
  dbPath?: string;
  /** Default: <repo>/capabilities.json. */
  matrix?: Matrix;
  /** Defaults: env DHP_CLIENT_ID / DHP_CLIENT_SECRET, else the local-only defaults below. */
  clientId?: string;
  clientSecret?: string;
  quiet?: boolean;
}

/** Test-only: `auth: false` runs the FHIR core without the OAuth module (no Bearer check). */
export interface InternalServerOptions extends ServerOptions {
  auth?: false;
}

export interface RunningServer {
  /** http://127.0.0.1:<port>/fhir */
  baseUrl: string;
  /** http://127.0.0.1:<port>/oauth/token */
  tokenUrl: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  testUser: { username: string; password: string };
  publicClient: { clientId: string; redirectUri: string };
  profile: string;
  faults: string[];
  close(): Promise<void>;
}

export const DEFAULT_CLIENT_ID = 'dhp-local-client';
/** Guards nothing but a loopback test server; real platform secrets come from the environment. */
export const DEFAULT_CLIENT_SECRET = 'dhp-local-secret-not-for-production';
export const TEST_USER = { username: 'test.user', password: 'test-password' } as const;
export const PUBLIC_CLIENT_ID = 'dhp-local-public-client';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function loadMatrix(path = resolve(REPO_ROOT, 'capabilities.json')): Matrix {
  return JSON.parse(readFileSync(path, 'utf8')) as Matrix;
}

export async function startServer(opts: InternalServerOptions = {}): Promise<RunningServer> {
  const profile = opts.profile ?? 'conformant';
  if (!PROFILES.includes(profile)) throw new Error(`unknown profile "${profile}"; known: ${PROFILES.join(', ')}`);
  const faults: FaultSet = opts.faults ?? new Map();
  // Loading the OAuth module (oidc-provider) is the slowest step; start it before the synchronous setup below.
  const authModule = opts.auth === false ? null : import('./auth/index.ts');
  const matrix = opts.matrix ?? loadMatrix();
  const caps = capabilitiesFor(matrix, profile);
  const log = opts.quiet ? () => {} : (msg: string) => console.error(`[dhp-server] ${msg}`);

  const db = openDatabase(opts.dbPath ?? ':memory:');
  // :in/:not-in expand ValueSets with the server's own terminology service (the context exists by the first search).
  const engine = createSearchEngine(db, matrix, {
    unfiltered: caps.unfiltered, faults,
    valueSet: (url) => valueSetCodes(ctx, url),
    hierarchy: (system, code, direction) => relatedCodes(ctx, system, code, direction),
  });
  const store = new Store(db, (type, id, resource) => engine.index(type, id, resource));
  const ctx: ServerContext = { store, caps, faults, engine, baseUrl: '', tokenUrl: '' };
  // Before the listener exists: no client ever sees the server without what the platform itself would have written.
  const platformRecords = loadPlatformRecords(ctx);

  // The OAuth issuer URL contains the port, so the listener exists before the auth module does.
  let authReady: (gate: AuthGate) => void = () => {};
  const authGate = opts.auth === false ? null : new Promise<AuthGate>((ok) => (authReady = ok));
  let auth: (AuthGate & { close(): Promise<void> }) | null = null;
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const server = createServer(requestListener(ctx, { latencyMs, auth: authGate, log }));
  const host = opts.host ?? '127.0.0.1';
  try {
    await new Promise<void>((ok, ko) => {
      server.once('error', ko);
      server.listen(opts.port ?? 0, host, () => ok());
    });
  } catch (err) {
    db.close();
    throw err;
  }
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  ctx.baseUrl = `${origin}${FHIR_BASE_PATH}`;
  const issuer = `${origin}${OAUTH_BASE_PATH}`;
  ctx.tokenUrl = `${issuer}/token`;
  const clientId = opts.clientId ?? process.env.DHP_CLIENT_ID ?? DEFAULT_CLIENT_ID;
  const clientSecret = opts.clientSecret ?? process.env.DHP_CLIENT_SECRET ?? DEFAULT_CLIENT_SECRET;
  const publicClient = { clientId: PUBLIC_CLIENT_ID, redirectUri: `${origin}${CALLBACK_PATH}` };
  const testUser = { ...TEST_USER };

  const close = async () => {
    await new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });
    await auth?.close();
    db.close();
  };

  if (authModule) {
    try {
      const { createAuth } = await authModule;
      auth = await createAuth({ issuer, clientId, clientSecret, publicClient, testUser, faults });
      authReady(auth);
    } catch (err) {
      await close();
      throw err;
    }
  }
  log(`listening on ${ctx.baseUrl} (profile ${profile}${faults.size ? `, faults ${[...faults.keys()].join(', ')}` : ''}${platformRecords.length ? `; holds ${platformRecords.join(', ')}, which only the platform writes` : ''})`);
  return {
    baseUrl: ctx.baseUrl,
    tokenUrl: ctx.tokenUrl,
    issuer,
    clientId,
    clientSecret,
    testUser,
    publicClient,
    profile,
    faults: [...faults].map(([name, arg]) => (arg ? `${name}=${arg}` : name)),
    close,
  };
}
