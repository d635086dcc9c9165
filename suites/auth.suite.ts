// Authentication (API access page, "Security and authentication"): the token endpoint's client_credentials
// grant and its errors, the Bearer gate of the FHIR API, and the authorization-code + PKCE flow end to end.
// Read-only. A table: the check bodies live in lib/checks/auth.ts.
import { afterAll, describe } from 'vitest';
import * as auth from '../lib/checks/auth.ts';
import { loginDriverFromEnv, type LoginDriver } from '../lib/client/login.ts';
import { tokenEndpointClient } from '../lib/client/token-endpoint.ts';
import { loginFromEnv } from '../lib/config/target.ts';
import { once } from '../lib/fixtures/create.ts';
import { session } from '../lib/run/session.ts';
import { capabilityTest } from '../lib/vitest/capability.ts';

const s = session();
const driver = once<LoginDriver>(() => loginDriverFromEnv());
const setup: auth.AuthSetup = {
  targetName: s.ctx.target.name, tokenUrl: s.ctx.target.tokenUrl, sso: tokenEndpointClient(s.ctx.target.tokenUrl, s.anonymous),
  tag: s.ctx.tag, credentials: s.credentials, token: s.tokens && (() => s.tokens!.get()), login: loginFromEnv(), driver,
};
afterAll(async () => {
  if (setup.sso !== s.anonymous) await setup.sso.close();
  await (await driver().catch(() => undefined))?.close();
});

// Each requirement's checks run concurrently, except the authorization-code ones: the browser login driver
// (DHP_LOGIN_DRIVER=browser) starts one chromium per login.
const REQUIREMENTS: [requirement: string, order: 'concurrent' | 'sequential', rows: [capability: string, title: string, check: auth.AuthCheck][]][] = [
  ['Backend applications obtain a token with the client_credentials grant at POST /oauth/token', 'concurrent', [
    ['auth:client-credentials', 'client_credentials with client_id and client_secret in the body returns 200 with an access_token, token_type Bearer and expires_in', auth.checkClientCredentials],
    ['auth:token-no-store', 'The token response carries Cache-Control: no-store', auth.checkTokenNoStore],
    ['auth:client-secret-basic', 'The token endpoint accepts the client credentials in HTTP Basic', auth.checkClientSecretBasic],
  ]],
  ['The token endpoint rejects bad requests with the RFC 6749 error codes', 'concurrent', [
    ['auth:invalid-client', 'A wrong client_secret is rejected with 401 invalid_client', auth.checkInvalidClient],
    ['auth:unknown-client', 'An unknown client_id is rejected with 401 invalid_client', auth.checkUnknownClient],
    ['auth:grant-type-missing', 'A token request without grant_type is rejected with 400 invalid_request', auth.checkGrantTypeMissing],
    ['auth:grant-type-unsupported', 'An unsupported grant_type is rejected with 400 unsupported_grant_type', auth.checkGrantTypeUnsupported],
  ]],
  ['Include the access token in each request: Authorization: Bearer <access_token>', 'concurrent', [
    ['auth:api-requires-token', 'The FHIR API without a token answers 401', auth.checkApiRequiresToken],
    ['auth:api-rejects-invalid-token', 'The FHIR API with a garbage Bearer token answers 401', auth.checkApiRejectsInvalidToken],
    ['auth:api-rejects-expired-token', 'The FHIR API with an expired token answers 401 (a look-alike JWT with exp in the past, signed by nothing: a real expired token cannot be minted against a real target)', auth.checkApiRejectsExpiredToken],
    ['auth:api-accepts-valid-token', 'The FHIR API with a valid token answers 200', auth.checkApiAcceptsValidToken],
  ]],
  ['Frontend applications authorize users with the authorization code grant (redirect_uri, PKCE)', 'sequential', [
    ['auth:authorization-code-pkce', 'Authorization code with PKCE S256: the test user logs in, the code is exchanged for a token, and the token opens the FHIR API', auth.checkAuthorizationCodePkce],
    ['auth:pkce-wrong-verifier', 'A code exchanged with the wrong code_verifier is rejected with invalid_grant', auth.checkPkceWrongVerifier],
    ['auth:code-single-use', 'An authorization code used twice is rejected with invalid_grant the second time', auth.checkCodeSingleUse],
    ['auth:redirect-uri-exact', 'An unregistered redirect_uri is refused at the authorization endpoint: the user is never sent there', auth.checkRedirectUriRefused],
    ['auth:redirect-uri-exact', 'A code exchanged with a redirect_uri other than the one it was issued for is rejected with invalid_grant', auth.checkRedirectUriBound],
  ]],
];

for (const [requirement, order, rows] of REQUIREMENTS) {
  (order === 'concurrent' ? describe.concurrent : describe)(requirement, () => {
    for (const [capability, title, check] of rows) capabilityTest(capability, title, (c) => check(c, setup));
  });
}
