// Authentication (API access page, "Security and authentication"): the token endpoint's client_credentials
// grant and its errors, the Bearer gate of the FHIR API, and the authorization-code + PKCE flow end to end.
// Read-only. Every secret the checks see is registered for redaction before it can reach any evidence.
import { randomBytes } from 'node:crypto';
import { afterAll, describe } from 'vitest';
import { expiredLookalike } from '../lib/client/expired-jwt.ts';
import { DriverUnavailable, exchangeCode, httpLoginDriver, authorizationUrl, loginDriverFromEnv, newPkce, obtainCode, type LoginDriver } from '../lib/client/login.ts';
import { registerSecret } from '../lib/client/redact.ts';
import { basicCredentials, isNoStore, postToken, tokenEndpointClient, type TokenAnswer } from '../lib/client/token-endpoint.ts';
import { loginFromEnv, type LoginConfig } from '../lib/config/target.ts';
import { describeExchange } from '../lib/fhir/exchange.ts';
import { once } from '../lib/fixtures/create.ts';
import { tagQuery } from '../lib/fixtures/run-tag.ts';
import { session } from '../lib/run/session.ts';
import { capabilityTest, type Check } from '../lib/vitest/capability.ts';
import { CheckFailure } from '../lib/verdicts.ts';

const s = session();
const tokenUrl = s.ctx.target.tokenUrl;
const sso = tokenEndpointClient(tokenUrl, s.anonymous);
const loginDriver = once<LoginDriver>(() => loginDriverFromEnv());
afterAll(async () => {
  if (sso !== s.anonymous) await sso.close();
  await (await loginDriver().catch(() => undefined))?.close();
});

/** The login driver the run asked for (DHP_LOGIN_DRIVER); one that cannot run here makes the check not-run. */
async function driver(c: Check): Promise<LoginDriver> {
  try {
    return await loginDriver();
  } catch (e) {
    if (e instanceof DriverUnavailable) c.notRun(e.message);
    throw e;
  }
}

/** A FHIR request that needs authorization but touches no real data: this run's (empty) tagged Patients. */
const PROBE = `Patient?_count=1&_tag=${encodeURIComponent(tagQuery(s.ctx.tag))}`;
const probe = (c: Check, authorization?: string) => c.anonymous.request('GET', PROBE, { auth: false, accept: 'any', headers: authorization ? { authorization } : {} });

function credentials(c: Check) {
  return s.credentials ?? c.notRun(`no client credentials configured for target "${s.ctx.target.name}" (DHP_CLIENT_ID / DHP_CLIENT_SECRET)`);
}

function login(c: Check): LoginConfig {
  return loginFromEnv() ?? c.notRun(`no test user configured for target "${s.ctx.target.name}" (DHP_AUTHORIZE_URL, DHP_PUBLIC_CLIENT_ID, DHP_REDIRECT_URI, DHP_TEST_USERNAME, DHP_TEST_PASSWORD)`);
}

function expectTokenError(a: TokenAnswer, status: number, error: string, what: string): void {
  if (a.status !== status || a.error !== error) {
    throw new CheckFailure(`${what} should be rejected with ${status} ${error}, got ${a.status} ${a.error ?? '(no error code)'}: ${describeExchange(a.res)}`, 'wrong', `${status} ${error}`, `${a.status} ${a.error}`);
  }
}

/** The documented request: POST /oauth/token with grant_type, client_id and client_secret in the body. */
const clientCredentials = (c: Check, secret?: string, clientId?: string) => {
  const cr = credentials(c);
  return postToken(sso, tokenUrl, { grant_type: 'client_credentials', client_id: clientId ?? cr.clientId, client_secret: secret ?? cr.clientSecret });
};

describe.concurrent('Backend applications obtain a token with the client_credentials grant at POST /oauth/token', () => {
  capabilityTest('auth:client-credentials', 'client_credentials with client_id and client_secret in the body returns 200 with an access_token, token_type Bearer and expires_in', async (c) => {
    const a = await clientCredentials(c);
    if (a.status !== 200 || !a.accessToken) throw new CheckFailure(`the token request should answer 200 with an access_token: ${describeExchange(a.res)}`, 'wrong');
    if (a.tokenType?.toLowerCase() !== 'bearer') throw new CheckFailure(`token_type should be Bearer, is ${a.tokenType ?? '(absent)'}`, 'wrong');
    if (typeof a.expiresIn !== 'number' || a.expiresIn <= 0) throw new CheckFailure(`expires_in should be a positive number of seconds, is ${JSON.stringify(a.expiresIn)}`, 'wrong');
  });

  capabilityTest('auth:token-no-store', 'The token response carries Cache-Control: no-store', async (c) => {
    const a = await clientCredentials(c);
    if (a.status !== 200) throw new CheckFailure(`the token request should answer 200: ${describeExchange(a.res)}`);
    if (!isNoStore(a.cacheControl)) throw new CheckFailure(`a response carrying a token must not be stored: Cache-Control should be no-store, is ${a.cacheControl ?? '(absent)'}`, 'wrong');
  });

  capabilityTest('auth:client-secret-basic', 'The token endpoint accepts the client credentials in HTTP Basic', async (c) => {
    const cr = credentials(c);
    const a = await postToken(sso, tokenUrl, { grant_type: 'client_credentials' }, basicCredentials(cr.clientId, cr.clientSecret));
    if (a.status !== 200 || !a.accessToken) throw new CheckFailure(`client_credentials with HTTP Basic should answer 200 with an access_token: ${describeExchange(a.res)}`, 'wrong');
  });
});

describe.concurrent('The token endpoint rejects bad requests with the RFC 6749 error codes', () => {
  capabilityTest('auth:invalid-client', 'A wrong client_secret is rejected with 401 invalid_client', async (c) => {
    expectTokenError(await clientCredentials(c, `wrong-${randomBytes(12).toString('hex')}`), 401, 'invalid_client', 'a wrong client_secret');
  });

  capabilityTest('auth:unknown-client', 'An unknown client_id is rejected with 401 invalid_client', async (c) => {
    expectTokenError(await clientCredentials(c, undefined, `dhp-conformance-unknown-${randomBytes(6).toString('hex')}`), 401, 'invalid_client', 'an unknown client_id');
  });

  capabilityTest('auth:grant-type-missing', 'A token request without grant_type is rejected with 400 invalid_request', async (c) => {
    const cr = credentials(c);
    expectTokenError(await postToken(sso, tokenUrl, { client_id: cr.clientId, client_secret: cr.clientSecret }), 400, 'invalid_request', 'a request without grant_type');
  });

  capabilityTest('auth:grant-type-unsupported', 'An unsupported grant_type is rejected with 400 unsupported_grant_type', async (c) => {
    const cr = credentials(c);
    const a = await postToken(sso, tokenUrl, { grant_type: 'urn:dhp-conformance:no-such-grant', client_id: cr.clientId, client_secret: cr.clientSecret });
    expectTokenError(a, 400, 'unsupported_grant_type', 'an unknown grant_type');
  });
});

describe.concurrent('Include the access token in each request: Authorization: Bearer <access_token>', () => {
  const expect401 = async (c: Check, authorization: string | undefined, what: string) => {
    const res = await probe(c, authorization);
    if (res.status !== 401) throw new CheckFailure(`a FHIR request ${what} should answer 401: ${describeExchange(res)}`, 'wrong', 401, res.status);
  };

  capabilityTest('auth:api-requires-token', 'The FHIR API without a token answers 401', (c) => expect401(c, undefined, 'without a token'));

  capabilityTest('auth:api-rejects-invalid-token', 'The FHIR API with a garbage Bearer token answers 401', async (c) => {
    const garbage = `not-a-token-${randomBytes(16).toString('hex')}`;
    registerSecret(garbage);
    await expect401(c, `Bearer ${garbage}`, 'with a garbage token');
  });

  capabilityTest('auth:api-rejects-expired-token', 'The FHIR API with an expired token answers 401 (a look-alike JWT with exp in the past, signed by nothing: a real expired token cannot be minted against a real target)', async (c) => {
    const real = await s.tokens?.get();
    const expired = expiredLookalike(real);
    registerSecret(expired);
    c.note('the expired token is the run token\'s claims with iat/exp an hour in the past and a random signature: it proves the server rejects it, not which check (expiry or signature) does');
    await expect401(c, `Bearer ${expired}`, 'with an expired token');
  });

  capabilityTest('auth:api-accepts-valid-token', 'The FHIR API with a valid token answers 200', async (c) => {
    if (!s.tokens) c.notRun('no client credentials configured, so no token');
    const res = await c.client.request('GET', PROBE, { accept: 'any' });
    if (res.status !== 200) throw new CheckFailure(`GET [base]/${PROBE} with the run's token should answer 200: ${describeExchange(res)}`, 'wrong', 200, res.status);
  });
});

// Sequential: the browser login driver (DHP_LOGIN_DRIVER=browser) starts one chromium per login.
describe('Frontend applications authorize users with the authorization code grant (redirect_uri, PKCE)', () => {
  capabilityTest('auth:authorization-code-pkce', 'Authorization code with PKCE S256: the test user logs in, the code is exchanged for a token, and the token opens the FHIR API', async (c) => {
    const cfg = login(c);
    const grant = await obtainCode(cfg, tokenUrl, await driver(c)).catch((e: Error) => { throw new CheckFailure(e.message, 'wrong'); });
    const x = await exchangeCode(cfg, tokenUrl, grant);
    if (!x.ok) throw new CheckFailure(`the code exchange should answer 200 with a token, got ${x.status} ${x.error}${x.description ? ` (${x.description})` : ''}; steps: ${x.trace.join(' → ')}`, 'wrong');
    if (x.tokens.token_type.toLowerCase() !== 'bearer') throw new CheckFailure(`token_type should be Bearer, is ${x.tokens.token_type}`, 'wrong');
    const res = await probe(c, `Bearer ${x.tokens.access_token}`);
    if (res.status !== 200) throw new CheckFailure(`the user's token should open the FHIR API: ${describeExchange(res)}`, 'wrong', 200, res.status);
  });

  capabilityTest('auth:pkce-wrong-verifier', 'A code exchanged with the wrong code_verifier is rejected with invalid_grant', async (c) => {
    const cfg = login(c);
    const grant = await obtainCode(cfg, tokenUrl, await driver(c));
    const x = await exchangeCode(cfg, tokenUrl, grant, { verifier: (await newPkce()).verifier });
    if (x.ok || x.error !== 'invalid_grant') throw new CheckFailure(`a wrong code_verifier should be rejected with invalid_grant, got ${x.ok ? '200 and a token' : `${x.status} ${x.error}`}`, 'wrong');
  });

  capabilityTest('auth:code-single-use', 'An authorization code used twice is rejected with invalid_grant the second time', async (c) => {
    const cfg = login(c);
    const grant = await obtainCode(cfg, tokenUrl, await driver(c));
    const first = await exchangeCode(cfg, tokenUrl, grant);
    if (!first.ok) throw new CheckFailure(`the first exchange of the code should succeed, got ${first.status} ${first.error}`);
    const second = await exchangeCode(cfg, tokenUrl, grant);
    if (second.ok || second.error !== 'invalid_grant') throw new CheckFailure(`the second exchange of the same code should be rejected with invalid_grant, got ${second.ok ? '200 and a token' : `${second.status} ${second.error}`}`, 'wrong');
  });

  capabilityTest('auth:redirect-uri-exact', 'An unregistered redirect_uri is refused at the authorization endpoint: the user is never sent there', async (c) => {
    const cfg = login(c);
    const evil = `https://redirect-uri-check.invalid/cb-${randomBytes(4).toString('hex')}`;
    // The HTTP driver runs this check whatever DHP_LOGIN_DRIVER says: it must see every redirect the server answers.
    const d = httpLoginDriver();
    const outcome = await d.authorize(cfg, authorizationUrl(cfg, await newPkce(), evil), [evil, cfg.redirectUri]);
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
  });

  capabilityTest('auth:redirect-uri-exact', 'A code exchanged with a redirect_uri other than the one it was issued for is rejected with invalid_grant', async (c) => {
    const cfg = login(c);
    const grant = await obtainCode(cfg, tokenUrl, await driver(c));
    const x = await exchangeCode(cfg, tokenUrl, grant, { redirectUri: `${cfg.redirectUri}-other` });
    if (x.ok || x.error !== 'invalid_grant') throw new CheckFailure(`the exchange with a different redirect_uri should be rejected with invalid_grant, got ${x.ok ? '200 and a token' : `${x.status} ${x.error}`}`, 'wrong');
  });
});
