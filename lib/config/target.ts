// Which server a run talks to: a named target of the matrix or a URL, with its endpoints, its expected gaps
// and its credentials. Credentials come only from environment variables, never from files.
import type { ExpectedGap, Matrix } from '../matrix/types.ts';
import { gapsOf } from '../matrix/gaps.ts';
import { ConfigError } from './errors.ts';
import { readEnv } from './env.ts';

export { ConfigError };

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
  const e = readEnv(env);
  if (/^https?:\/\//.test(name)) {
    if (req.profile) throw new ConfigError('--profile applies to the embedded target only');
    const tokenUrl = e.tokenUrl;
    if (!tokenUrl) throw new ConfigError(`a URL target needs DHP_TOKEN_URL (the OAuth token endpoint of ${name})`);
    return {
      name: 'url', description: `A server at ${name}, judged against the profile as written: no gaps allowed.`,
      baseUrl: name.replace(/\/$/, ''), tokenUrl, clientAuth: e.clientAuth ?? 'client_secret_post',
      readOnly: e.readOnly, embedded: false, gaps: [], confirmed: [],
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
  const tokenUrl = (t.tokenUrlEnv && env[t.tokenUrlEnv]) || e.tokenUrl || t.tokenUrl;
  if (!t.embedded && !baseUrl) throw new ConfigError(`target "${name}" needs ${t.baseUrlEnv ?? 'a base URL'} set`);
  if (!t.embedded && !tokenUrl) throw new ConfigError(`target "${name}" needs ${t.tokenUrlEnv ?? 'DHP_TOKEN_URL'} set`);
  const sourceOfGaps = t.embedded ? t.profiles?.[profile!]?.gapsOf : t.gapsOf ?? name;
  return {
    name, description: t.description, baseUrl: baseUrl?.replace(/\/$/, ''), tokenUrl,
    clientAuth: e.clientAuth ?? t.clientAuth, readOnly: t.readOnly, embedded: !!t.embedded, profile,
    gaps: gapsOf(matrix, name, profile),
    confirmed: (sourceOfGaps ? matrix.targets[sourceOfGaps]?.confirmed ?? [] : []).map((c) => c.capability),
  };
}

export interface Credentials { clientId: string; clientSecret: string }

export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const { clientId, clientSecret } = readEnv(env);
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/** The authorization-code login driver's settings; undefined when the target has no test user configured. */
export function loginFromEnv(env: NodeJS.ProcessEnv = process.env): LoginConfig | undefined {
  const l = readEnv(env).login;
  if (!l.authorizeUrl || !l.publicClientId || !l.redirectUri || !l.username || !l.password) return undefined;
  return {
    authorizeUrl: l.authorizeUrl, clientId: l.publicClientId, redirectUri: l.redirectUri, username: l.username, password: l.password,
    usernameField: l.usernameField, passwordField: l.passwordField, submitSelector: l.submitSelector,
  };
}
