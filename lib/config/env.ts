// The one module that reads the environment: every DHP_* variable the harness honours, documented in one table,
// parsed and validated in one place (every problem at once, as a ConfigError → exit 2). Other modules take the
// parsed `DhpEnv` (or call `readEnv()`); none reads process.env.DHP_* itself.
import { ConfigError } from './errors.ts';
import { parseSeed } from '../run/seed.ts';

export interface EnvVar {
  name: string;
  /** What it is for, in one sentence (the README and `dhp-conformance help` print this). */
  description: string;
  /** Never printed, logged or written to a report. */
  secret?: boolean;
  /** Set by the CLI for its vitest workers, or by the self-tests; not for users. */
  internal?: boolean;
}

export const ENV_VARS: readonly EnvVar[] = [
  { name: 'DHP_CLIENT_ID', description: 'backend client id (client_credentials) registered on the target\'s SSO' },
  { name: 'DHP_CLIENT_SECRET', description: 'its client secret', secret: true },
  { name: 'DHP_CLIENT_AUTH', description: '"post" (form fields, as the API access page shows; default) or "basic" (HTTP Basic) at the token endpoint' },
  { name: 'DHP_BASE_URL', description: '--target vendor: the vendor\'s FHIR base URL' },
  { name: 'DHP_TOKEN_URL', description: 'the OAuth token endpoint (vendor and URL targets; overrides a named target\'s)' },
  { name: 'DHP_READ_ONLY', description: '"1" to never write to a URL target' },
  { name: 'DHP_AUTHORIZE_URL', description: 'authorization-code checks: the SSO\'s authorization endpoint' },
  { name: 'DHP_PUBLIC_CLIENT_ID', description: 'authorization-code checks: the public (PKCE) client id' },
  { name: 'DHP_REDIRECT_URI', description: 'authorization-code checks: the redirect_uri registered for that client' },
  { name: 'DHP_TEST_USERNAME', description: 'authorization-code checks: the test user' },
  { name: 'DHP_TEST_PASSWORD', description: 'authorization-code checks: the test user\'s password', secret: true },
  { name: 'DHP_LOGIN_USERNAME_FIELD', description: 'login form: the username field name (default username)' },
  { name: 'DHP_LOGIN_PASSWORD_FIELD', description: 'login form: the password field name (default password)' },
  { name: 'DHP_LOGIN_SUBMIT', description: 'login form: the submit button selector (default #login)' },
  { name: 'DHP_LOGIN_DRIVER', description: '"http" (default: plain HTTP form post) or "browser" (playwright-core + Debian chromium)' },
  { name: 'DHP_CHROMIUM', description: 'the chromium executable of the browser login driver (default /usr/bin/chromium)' },
  { name: 'DHP_ISSUER', description: 'the SSO issuer, when the authorization response does not name it (RFC 9207)' },
  { name: 'DHP_TIMEOUT_MS', description: 'per-request timeout in ms (default 30000)' },
  { name: 'DHP_CONCURRENCY', description: 'most requests in flight at once across the whole run (same as --concurrency; default 32; also `cleanup`\'s limit)' },
  { name: 'DHP_CONNECTIONS', description: 'connections per client to the target (default: the concurrency, so a request granted a permit never queues for a connection)' },
  { name: 'DHP_WORKERS', description: 'vitest workers of a run (default 2: each loads the harness once; more cost CPU and memory without making a run faster)' },
  { name: 'DHP_SEARCH_TYPES', description: 'comma-separated resource types: the search suite judges only their parameters' },
  { name: 'DHP_INTERACTION_TYPES', description: 'comma-separated resource types: the interactions suite checks only them (quick runs, self-tests)' },
  { name: 'DHP_PROFILES', description: 'comma-separated UZ Core profile ids: the profiles suite checks only them (quick runs, self-tests)' },
  { name: 'DHP_TERMINOLOGY_IDS', description: 'comma-separated id prefixes after `terminology:` (e.g. `uz-core:expand,international`): the terminology suite checks only those' },
  { name: 'DHP_BODY_PROBE_MB', description: 'size in MiB of the body the interactions suite sends to find the server\'s body limit (default 20)' },
  { name: 'DHP_SEED', description: 'the run seed (same as --seed): an integer 0..4294967295' },
  { name: 'DHP_FC_SEED', description: 'overrides every fast-check property\'s seed (replay one property\'s counterexample)' },
  { name: 'DHP_SPEC_DIR', description: 'build the matrix from another spec drop (uncompressed) instead of spec/' },
  { name: 'DHP_RUN_CONTEXT', description: 'the run context file the CLI hands its vitest workers', internal: true },
  { name: 'DHP_RUN_DIR', description: 'the run folder the CLI hands its vitest workers and reporters', internal: true },
  { name: 'DHP_VERBOSE', description: '"1": stack traces and vitest\'s own reporter (same as --verbose)' },
  { name: 'DHP_LIMITER', description: 'the loopback address of the run\'s shared limit on requests in flight, which the CLI hands its vitest workers', internal: true },
  { name: 'DHP_SELFTEST_CRASH_WORKER', description: 'self-tests only: the worker running suites/<name>.suite.ts kills itself at its second check (proves a crash is reported as an incomplete run)', internal: true },
];

export interface LoginEnv {
  authorizeUrl?: string;
  publicClientId?: string;
  redirectUri?: string;
  username?: string;
  password?: string;
  usernameField: string;
  passwordField: string;
  submitSelector: string;
  driver: 'http' | 'browser';
  chromium: string;
  issuer?: string;
}

export interface DhpEnv {
  clientId?: string;
  clientSecret?: string;
  clientAuth?: 'client_secret_post' | 'client_secret_basic';
  baseUrl?: string;
  tokenUrl?: string;
  readOnly: boolean;
  login: LoginEnv;
  timeoutMs: number;
  /** Unset: no limit of the run's own (a worker outside a CLI run). */
  concurrency?: number;
  /** Unset: as many as the concurrency. */
  connections?: number;
  workers: number;
  verbose: boolean;
  limiter?: string;
  searchTypes: string[] | null;
  interactionTypes: string[] | null;
  profiles: string[] | null;
  terminologyIds: string[] | null;
  bodyProbeMb: number;
  seed?: number;
  fcSeed?: number;
  specDir?: string;
  runContext?: string;
  runDir?: string;
  crashWorker?: string;
}

/** Parses and validates every DHP_* variable; throws one ConfigError naming every bad one. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): DhpEnv {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const oneOf = <T extends string>(name: string, map: Record<string, T>): T | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    const hit = map[v.trim()];
    if (!hit) problems.push(`${name} must be one of ${Object.keys(map).map((k) => `"${k}"`).join(', ')}, not "${v}"`);
    return hit;
  };
  const url = (name: string): string | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    if (!/^https?:\/\/[^\s]+$/.test(v.trim())) { problems.push(`${name} must be an http(s) URL, not "${v}"`); return undefined; }
    return v.trim();
  };
  const positive = <F extends number | undefined>(name: string, fallback: F): number | F => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) { problems.push(`${name} must be a positive integer, not "${v}"`); return fallback; }
    return n;
  };
  const hostPort = (name: string): string | undefined => {
    const v = get(name);
    if (v !== undefined && !/^[\w.-]+:\d+$/.test(v.trim())) { problems.push(`${name} must be host:port, not "${v}"`); return undefined; }
    return v?.trim();
  };
  const integer = (name: string): number | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    // fast-check takes any 32-bit integer as a seed (it prints negative ones too).
    const n = /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
    if (!Number.isSafeInteger(n) || Math.abs(n) > 0xffffffff) { problems.push(`${name} must be an integer, not "${v}"`); return undefined; }
    return n;
  };
  let seed: number | undefined;
  if (get('DHP_SEED') !== undefined) {
    try { seed = parseSeed(get('DHP_SEED')!); } catch (e) { problems.push(`DHP_SEED: ${(e as Error).message}`); }
  }
  const list = (name: string): string[] | null => {
    const xs = get(name)?.split(',').map((x) => x.trim()).filter(Boolean);
    return xs?.length ? xs : null;
  };
  const out: DhpEnv = {
    clientId: get('DHP_CLIENT_ID'),
    clientSecret: get('DHP_CLIENT_SECRET'),
    clientAuth: oneOf('DHP_CLIENT_AUTH', { post: 'client_secret_post', client_secret_post: 'client_secret_post', basic: 'client_secret_basic', client_secret_basic: 'client_secret_basic' }),
    baseUrl: url('DHP_BASE_URL'),
    tokenUrl: url('DHP_TOKEN_URL'),
    readOnly: oneOf('DHP_READ_ONLY', { 1: '1', 0: '0', true: '1', false: '0' }) === '1',
    login: {
      authorizeUrl: url('DHP_AUTHORIZE_URL'),
      publicClientId: get('DHP_PUBLIC_CLIENT_ID'),
      redirectUri: url('DHP_REDIRECT_URI'),
      username: get('DHP_TEST_USERNAME'),
      password: get('DHP_TEST_PASSWORD'),
      usernameField: get('DHP_LOGIN_USERNAME_FIELD') ?? 'username',
      passwordField: get('DHP_LOGIN_PASSWORD_FIELD') ?? 'password',
      submitSelector: get('DHP_LOGIN_SUBMIT') ?? '#login',
      driver: oneOf('DHP_LOGIN_DRIVER', { http: 'http', browser: 'browser' }) ?? 'http',
      chromium: get('DHP_CHROMIUM') ?? '/usr/bin/chromium',
      issuer: url('DHP_ISSUER'),
    },
    timeoutMs: positive('DHP_TIMEOUT_MS', 30_000),
    concurrency: positive('DHP_CONCURRENCY', undefined),
    connections: positive('DHP_CONNECTIONS', undefined),
    workers: positive('DHP_WORKERS', 2),
    verbose: oneOf('DHP_VERBOSE', { 1: '1', 0: '0', true: '1', false: '0' }) === '1',
    limiter: hostPort('DHP_LIMITER'),
    searchTypes: list('DHP_SEARCH_TYPES'),
    interactionTypes: list('DHP_INTERACTION_TYPES'),
    profiles: list('DHP_PROFILES'),
    terminologyIds: list('DHP_TERMINOLOGY_IDS'),
    bodyProbeMb: positive('DHP_BODY_PROBE_MB', 20),
    seed,
    fcSeed: integer('DHP_FC_SEED'),
    specDir: get('DHP_SPEC_DIR'),
    runContext: get('DHP_RUN_CONTEXT'),
    runDir: get('DHP_RUN_DIR'),
    crashWorker: get('DHP_SELFTEST_CRASH_WORKER'),
  };
  if (problems.length) throw new ConfigError(`invalid environment:\n  ${problems.join('\n  ')}`);
  return out;
}

/** DHP_* variables the harness does not know (a typo silently ignored would change what a run does). */
export function unknownDhpVars(env: NodeJS.ProcessEnv = process.env): string[] {
  const known = new Set(ENV_VARS.map((v) => v.name));
  return Object.keys(env).filter((k) => k.startsWith('DHP_') && !known.has(k)).sort();
}
