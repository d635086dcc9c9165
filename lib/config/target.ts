// Which server a run talks to: a named target of the matrix or a URL, with its endpoints, its expected gaps
// and its credentials. Credentials come only from environment variables, never from files.
import type { ExpectedGap, Matrix } from '../matrix/types.ts';
import { gapsOf } from '../matrix/gaps.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What a login driver needs to run the authorization-code flow against a target. */
export interface LoginConfig {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
  usernameField: string;
  passwordField: string;
  submitSelector: string;
}

export interface ResolvedTarget {
  name: string;
  description: string;
  /** Undefined for the embedded target until its server listens. */
  baseUrl?: string;
  tokenUrl?: string;
  clientAuth: 'client_secret_post' | 'client_secret_basic';
  readOnly: boolean;
  embedded: boolean;
  profile?: string;
  gaps: ExpectedGap[];
  confirmed: string[];
}

export interface TargetRequest { target?: string; profile?: string }

export function resolveTarget(matrix: Matrix, req: TargetRequest, env: NodeJS.ProcessEnv = process.env): ResolvedTarget {
  const name = req.target ?? 'local';
  if (/^https?:\/\//.test(name)) {
    if (req.profile) throw new ConfigError('--profile applies to the embedded target only');
    const tokenUrl = env.DHP_TOKEN_URL;
    if (!tokenUrl) throw new ConfigError(`a URL target needs DHP_TOKEN_URL (the OAuth token endpoint of ${name})`);
    return {
      name: 'url', description: `A server at ${name}, judged against the profile as written: no gaps allowed.`,
      baseUrl: name.replace(/\/$/, ''), tokenUrl, clientAuth: clientAuth(env, 'client_secret_post'),
      readOnly: env.DHP_READ_ONLY === '1', embedded: false, gaps: [], confirmed: [],
    };
  }
  const t = matrix.targets[name];
  if (!t) throw new ConfigError(`unknown target "${name}"; known: ${Object.keys(matrix.targets).join(', ')}, or a base URL`);
  if (req.profile && !t.embedded) throw new ConfigError('--profile applies to the embedded target only');
  const profile = t.embedded ? (req.profile ?? t.defaultProfile) : undefined;
  if (t.embedded && (!profile || !t.profiles?.[profile])) {
    throw new ConfigError(`unknown profile "${profile}"; known: ${Object.keys(t.profiles ?? {}).join(', ')}`);
  }
  const baseUrl = (t.baseUrlEnv && env[t.baseUrlEnv]) || t.baseUrl;
  const tokenUrl = (t.tokenUrlEnv && env[t.tokenUrlEnv]) || env.DHP_TOKEN_URL || t.tokenUrl;
  if (!t.embedded && !baseUrl) throw new ConfigError(`target "${name}" needs ${t.baseUrlEnv ?? 'a base URL'} set`);
  if (!t.embedded && !tokenUrl) throw new ConfigError(`target "${name}" needs ${t.tokenUrlEnv ?? 'DHP_TOKEN_URL'} set`);
  const sourceOfGaps = t.embedded ? t.profiles?.[profile!]?.gapsOf : t.gapsOf ?? name;
  return {
    name, description: t.description, baseUrl: baseUrl?.replace(/\/$/, ''), tokenUrl,
    clientAuth: clientAuth(env, t.clientAuth), readOnly: t.readOnly, embedded: !!t.embedded, profile,
    gaps: gapsOf(matrix, name, profile),
    confirmed: (sourceOfGaps ? matrix.targets[sourceOfGaps]?.confirmed ?? [] : []).map((c) => c.capability),
  };
}

function clientAuth(env: NodeJS.ProcessEnv, fallback: ResolvedTarget['clientAuth']): ResolvedTarget['clientAuth'] {
  const v = env.DHP_CLIENT_AUTH;
  if (!v) return fallback;
  if (v === 'basic' || v === 'client_secret_basic') return 'client_secret_basic';
  if (v === 'post' || v === 'client_secret_post') return 'client_secret_post';
  throw new ConfigError(`DHP_CLIENT_AUTH must be "post" or "basic", not "${v}"`);
}

export interface Credentials { clientId: string; clientSecret: string }

export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const clientId = env.DHP_CLIENT_ID, clientSecret = env.DHP_CLIENT_SECRET;
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/** The authorization-code login driver's settings; undefined when the target has no test user configured. */
export function loginFromEnv(env: NodeJS.ProcessEnv = process.env): LoginConfig | undefined {
  const { DHP_AUTHORIZE_URL, DHP_PUBLIC_CLIENT_ID, DHP_REDIRECT_URI, DHP_TEST_USERNAME, DHP_TEST_PASSWORD } = env;
  if (!DHP_AUTHORIZE_URL || !DHP_PUBLIC_CLIENT_ID || !DHP_REDIRECT_URI || !DHP_TEST_USERNAME || !DHP_TEST_PASSWORD) return undefined;
  return {
    authorizeUrl: DHP_AUTHORIZE_URL, clientId: DHP_PUBLIC_CLIENT_ID, redirectUri: DHP_REDIRECT_URI,
    username: DHP_TEST_USERNAME, password: DHP_TEST_PASSWORD,
    usernameField: env.DHP_LOGIN_USERNAME_FIELD ?? 'username',
    passwordField: env.DHP_LOGIN_PASSWORD_FIELD ?? 'password',
    submitSelector: env.DHP_LOGIN_SUBMIT ?? '#login',
  };
}
