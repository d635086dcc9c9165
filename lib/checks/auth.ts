// Authentication (API access page, "Security and authentication"): the token endpoint's client_credentials grant and
// its errors, the Bearer gate of the FHIR API, and the authorization-code + PKCE flow end to end. Read-only. Every
// secret the checks see is registered for redaction before it can reach any evidence. The made-up values (a wrong
// secret, an unknown client id, a garbage token) come from the run seed; the PKCE verifier and state do not: they are
// secrets by design, and no verdict depends on their values.
import { expiredLookalike } from '../client/expired-jwt.ts';
import type { FhirClient } from '../client/http.ts';
import { DriverUnavailable, LoginError, authorizationUrl, exchangeCode, httpLoginDriver, newPkce, obtainCode, type CodeGrant, type LoginDriver } from '../client/login.ts';
import { registerSecret } from '../client/redact.ts';
import { basicCredentials, isNoStore, postToken, type TokenAnswer } from '../client/token-endpoint.ts';
import type { Credentials, LoginConfig } from '../config/target.ts';
import { describeExchange } from '../fhir/exchange.ts';
import { tagQuery, type Coding } from '../fixtures/run-tag.ts';
import { CheckFailure } from '../verdicts.ts';
import type { CheckContext } from './context.ts';

/** What the auth checks know of the target: its token endpoint, the run's credentials and test user, if any. */
export interface AuthSetup {
  targetName: string;
  tokenUrl: string;
  /** The client for the token endpoint (the FHIR client when the SSO shares its origin). */
  sso: FhirClient;
  tag: Coding;
  credentials?: Credentials;
  /** The run's access token (client_credentials), when there are credentials. */
  token?: () => Promise<string | undefined>;
  login?: LoginConfig;
  /** The login driver the run asked for; DriverUnavailable when it cannot run here. */
  driver: () => Promise<LoginDriver>;
}

/** A FHIR request that needs authorization but touches no real data: this run's (empty) tagged Patients. */
const probePath = (a: AuthSetup) => `Patient?_count=1&_tag=${encodeURIComponent(tagQuery(a.tag))}`;
const probe = (c: CheckContext, a: AuthSetup, authorization?: string) =>
  c.anonymous.request('GET', probePath(a), { auth: false, accept: 'any', headers: authorization ? { authorization } : {} });

function credentials(c: CheckContext, a: AuthSetup): Credentials {
  return a.credentials ?? c.notRun(`no client credentials configured for target "${a.targetName}" (DHP_CLIENT_ID / DHP_CLIENT_SECRET)`);
}

function login(c: CheckContext, a: AuthSetup): LoginConfig {
  return a.login ?? c.notRun(`no test user configured for target "${a.targetName}" (DHP_AUTHORIZE_URL, DHP_PUBLIC_CLIENT_ID, DHP_REDIRECT_URI, DHP_TEST_USERNAME, DHP_TEST_PASSWORD)`);
}

async function driver(c: CheckContext, a: AuthSetup): Promise<LoginDriver> {
  try {
    return await a.driver();
  } catch (e) {
    if (e instanceof DriverUnavailable) c.notRun(e.message);
    throw e;
  }
}

/** A code for the checks that tamper with its exchange: without one, auth:authorization-code-pkce is what failed. */
async function code(c: CheckContext, a: AuthSetup, cfg: LoginConfig): Promise<CodeGrant> {
  try {
    return await obtainCode(cfg, a.tokenUrl, await driver(c, a));
  } catch (e) {
    if (e instanceof LoginError) c.blocked('auth:authorization-code-pkce', `the test user's login yields no code: ${e.message}`);
    throw e;
  }
}

function expectTokenError(t: TokenAnswer, status: number, error: string, what: string): void {
  if (t.status !== status || t.error !== error) {
    throw new CheckFailure(`${what} should be rejected with ${status} ${error}, got ${t.status} ${t.error ?? '(no error code)'}: ${describeExchange(t.res)}`, 'wrong', `${status} ${error}`, `${t.status} ${t.error ?? '(no error code)'}`);
  }
}

/** The documented request: POST /oauth/token with grant_type, client_id and client_secret in the body. */
function clientCredentials(c: CheckContext, a: AuthSetup, secret?: string, clientId?: string): Promise<TokenAnswer> {
  const cr = credentials(c, a);
  return postToken(a.sso, a.tokenUrl, { grant_type: 'client_credentials', client_id: clientId ?? cr.clientId, client_secret: secret ?? cr.clientSecret });
}

export type AuthCheck = (c: CheckContext, a: AuthSetup) => Promise<void>;

/** auth:client-credentials */
export const checkClientCredentials: AuthCheck = async (c, a) => {
  const t = await clientCredentials(c, a);
  if (t.status !== 200 || !t.accessToken) throw new CheckFailure(`the token request should answer 200 with an access_token: ${describeExchange(t.res)}`, 'wrong');
  if (t.tokenType?.toLowerCase() !== 'bearer') throw new CheckFailure(`token_type should be Bearer, is ${t.tokenType ?? '(absent)'}`, 'wrong');
  if (typeof t.expiresIn !== 'number' || t.expiresIn <= 0) throw new CheckFailure(`expires_in should be a positive number of seconds, is ${t.expiresIn === undefined ? '(absent)' : JSON.stringify(t.expiresIn)}`, 'wrong');
};

/** auth:token-no-store */
export const checkTokenNoStore: AuthCheck = async (c, a) => {
  const t = await clientCredentials(c, a);
  if (t.status !== 200) throw new CheckFailure(`the token request should answer 200: ${describeExchange(t.res)}`);
  if (!isNoStore(t.cacheControl)) throw new CheckFailure(`a response carrying a token must not be stored: Cache-Control should be no-store, is ${t.cacheControl ?? '(absent)'}`, 'wrong');
};

/** auth:client-secret-basic */
export const checkClientSecretBasic: AuthCheck = async (c, a) => {
  const cr = credentials(c, a);
  const t = await postToken(a.sso, a.tokenUrl, { grant_type: 'client_credentials' }, basicCredentials(cr.clientId, cr.clientSecret));
  if (t.status !== 200 || !t.accessToken) throw new CheckFailure(`client_credentials with HTTP Basic should answer 200 with an access_token: ${describeExchange(t.res)}`, 'wrong');
};

/** auth:invalid-client */
export const checkInvalidClient: AuthCheck = async (c, a) => {
  expectTokenError(await clientCredentials(c, a, `wrong-${c.seeds.draw('auth:invalid-client').hex(12)}`), 401, 'invalid_client', 'a wrong client_secret');
};

/** auth:unknown-client */
export const checkUnknownClient: AuthCheck = async (c, a) => {
  expectTokenError(await clientCredentials(c, a, undefined, `dhp-conformance-unknown-${c.seeds.draw('auth:unknown-client').hex(6)}`), 401, 'invalid_client', 'an unknown client_id');
};

/** auth:grant-type-missing */
export const checkGrantTypeMissing: AuthCheck = async (c, a) => {
  const cr = credentials(c, a);
  expectTokenError(await postToken(a.sso, a.tokenUrl, { client_id: cr.clientId, client_secret: cr.clientSecret }), 400, 'invalid_request', 'a request without grant_type');
};

/** auth:grant-type-unsupported */
export const checkGrantTypeUnsupported: AuthCheck = async (c, a) => {
  const cr = credentials(c, a);
  const t = await postToken(a.sso, a.tokenUrl, { grant_type: 'urn:dhp-conformance:no-such-grant', client_id: cr.clientId, client_secret: cr.clientSecret });
  expectTokenError(t, 400, 'unsupported_grant_type', 'an unknown grant_type');
};

async function expect401(c: CheckContext, a: AuthSetup, authorization: string | undefined, what: string): Promise<void> {
  const res = await probe(c, a, authorization);
  if (res.status !== 401) throw new CheckFailure(`a FHIR request ${what} should answer 401: ${describeExchange(res)}`, 'wrong', 401, res.status);
}

/** auth:api-requires-token */
export const checkApiRequiresToken: AuthCheck = (c, a) => expect401(c, a, undefined, 'without a token');

/** auth:api-rejects-invalid-token */
export const checkApiRejectsInvalidToken: AuthCheck = async (c, a) => {
  const garbage = `not-a-token-${c.seeds.draw('auth:garbage-token').hex(16)}`;
  registerSecret(garbage);
  await expect401(c, a, `Bearer ${garbage}`, 'with a garbage token');
};

/** auth:api-rejects-expired-token (a look-alike JWT with exp in the past, signed by nothing) */
export const checkApiRejectsExpiredToken: AuthCheck = async (c, a) => {
  const expired = expiredLookalike(await a.token?.(), c.seeds.draw('auth:expired-token'));
  registerSecret(expired);
  c.note('the expired token is the run token\'s claims with iat/exp an hour in the past and a made-up signature: it proves the server rejects it, not which check (expiry or signature) does');
  await expect401(c, a, `Bearer ${expired}`, 'with an expired token');
};

/** auth:api-accepts-valid-token */
export const checkApiAcceptsValidToken: AuthCheck = async (c, a) => {
  if (!a.token) c.notRun('no client credentials configured, so no token');
  const res = await c.client.request('GET', probePath(a), { accept: 'any' });
  if (res.status !== 200) throw new CheckFailure(`GET [base]/${probePath(a)} with the run's token should answer 200: ${describeExchange(res)}`, 'wrong', 200, res.status);
};

/** auth:authorization-code-pkce */
export const checkAuthorizationCodePkce: AuthCheck = async (c, a) => {
  const cfg = login(c, a);
  const grant = await obtainCode(cfg, a.tokenUrl, await driver(c, a)).catch((e: unknown) => {
    if (e instanceof LoginError) throw new CheckFailure(e.message, 'wrong');
    throw e;
  });
  const x = await exchangeCode(cfg, a.tokenUrl, grant);
  if (!x.ok) throw new CheckFailure(`the code exchange should answer 200 with a token, got ${x.status} ${x.error}${x.description ? ` (${x.description})` : ''}; steps: ${x.trace.join(' → ')}`, 'wrong');
  if (x.tokens.token_type.toLowerCase() !== 'bearer') throw new CheckFailure(`token_type should be Bearer, is ${x.tokens.token_type}`, 'wrong');
  const res = await probe(c, a, `Bearer ${x.tokens.access_token}`);
  if (res.status !== 200) throw new CheckFailure(`the user's token should open the FHIR API: ${describeExchange(res)}`, 'wrong', 200, res.status);
};

/** auth:pkce-wrong-verifier */
export const checkPkceWrongVerifier: AuthCheck = async (c, a) => {
  const cfg = login(c, a);
  const grant = await code(c, a, cfg);
  const x = await exchangeCode(cfg, a.tokenUrl, grant, { verifier: (await newPkce()).verifier });
  if (x.ok || x.error !== 'invalid_grant') throw new CheckFailure(`a wrong code_verifier should be rejected with invalid_grant, got ${x.ok ? '200 and a token' : `${x.status} ${x.error}`}`, 'wrong');
};

/** auth:code-single-use */
export const checkCodeSingleUse: AuthCheck = async (c, a) => {
  const cfg = login(c, a);
  const grant = await code(c, a, cfg);
  const first = await exchangeCode(cfg, a.tokenUrl, grant);
  if (!first.ok) c.blocked('auth:authorization-code-pkce', `the first exchange of the code should succeed, got ${first.status} ${first.error}`);
  const second = await exchangeCode(cfg, a.tokenUrl, grant);
  if (second.ok || second.error !== 'invalid_grant') throw new CheckFailure(`the second exchange of the same code should be rejected with invalid_grant, got ${second.ok ? '200 and a token' : `${second.status} ${second.error}`}`, 'wrong');
};

/** auth:redirect-uri-exact (at the authorization endpoint) */
export const checkRedirectUriRefused: AuthCheck = async (c, a) => {
  const cfg = login(c, a);
  const evil = `https://redirect-uri-check.invalid/cb-${c.seeds.draw('auth:redirect-uri').hex(4)}`;
  // The HTTP driver runs this check whatever DHP_LOGIN_DRIVER says: it must see every redirect the server answers.
  const outcome = await httpLoginDriver().authorize(cfg, authorizationUrl(cfg, await newPkce(), evil), [evil, cfg.redirectUri]);
  if (outcome.kind === 'redirected' && !outcome.url.href.startsWith(cfg.redirectUri)) {
    throw new CheckFailure(`the SSO redirected to the unregistered redirect_uri ${evil}${outcome.url.searchParams.has('code') ? ' with a code' : ''}; steps: ${outcome.trace.join(' → ')}`, 'wrong');
  }
  if (outcome.kind === 'redirected' && outcome.url.searchParams.has('code')) {
    throw new CheckFailure(`a request with an unregistered redirect_uri produced a code; steps: ${outcome.trace.join(' → ')}`, 'wrong');
  }
  // A server error is not a refusal: RFC 6749 §3.1.2.4 wants the resource owner informed of the error.
  if (outcome.kind === 'stopped' && outcome.status >= 500) {
    throw new CheckFailure(`the authorization endpoint failed (${outcome.status}) instead of refusing the unregistered redirect_uri with an error page; steps: ${outcome.trace.join(' → ')}`, 'wrong');
  }
};

/** auth:redirect-uri-exact (at the token endpoint) */
export const checkRedirectUriBound: AuthCheck = async (c, a) => {
  const cfg = login(c, a);
  const grant = await code(c, a, cfg);
  const x = await exchangeCode(cfg, a.tokenUrl, grant, { redirectUri: `${cfg.redirectUri}-other` });
  if (x.ok || x.error !== 'invalid_grant') throw new CheckFailure(`the exchange with a different redirect_uri should be rejected with invalid_grant, got ${x.ok ? '200 and a token' : `${x.status} ${x.error}`}`, 'wrong');
};
