// The headless login driver against the reference server's real OAuth module (oidc-provider): the full
// authorization-code + PKCE flow and its three negatives, outside the CLI so a driver bug shows up here first.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LoginConfig } from '../lib/config/target.ts';
import { browserLoginDriver, exchangeCode, httpLoginDriver, obtainCode, type LoginDriver } from '../lib/client/login.ts';
import { startServer, type RunningServer } from '../server/index.ts';

let server: RunningServer;
let cfg: LoginConfig;

beforeAll(async () => {
  server = await startServer({ profile: 'conformant', quiet: true });
  cfg = {
    authorizeUrl: `${server.issuer}/auth`, clientId: server.publicClient.clientId, redirectUri: server.publicClient.redirectUri,
    username: server.testUser.username, password: server.testUser.password,
    usernameField: 'username', passwordField: 'password', submitSelector: '#login',
  };
});
afterAll(async () => { await server?.close(); });

const drivers: [string, () => Promise<LoginDriver>, boolean][] = [
  ['http', async () => httpLoginDriver(), true],
  // Debian's chromium is optional: the browser driver is exercised only where it is installed.
  ['browser', () => browserLoginDriver(), existsSync(process.env.DHP_CHROMIUM ?? '/usr/bin/chromium')],
];

describe.for(drivers)('the %s login driver', ([, make, available]) => {
  test.skipIf(!available)('logs the test user in; the code is exchanged once, and not with a wrong verifier or redirect_uri', async () => {
    const driver = await make();
    try {
      const grant = await obtainCode(cfg, server.tokenUrl, driver);
      expect(grant.params.get('code')).toBeTruthy();
      const wrongVerifier = await exchangeCode(cfg, server.tokenUrl, grant, { verifier: 'x'.repeat(43) });
      expect(wrongVerifier).toMatchObject({ ok: false, error: 'invalid_grant' });

      const fresh = await obtainCode(cfg, server.tokenUrl, driver);
      const wrongRedirect = await exchangeCode(cfg, server.tokenUrl, fresh, { redirectUri: `${cfg.redirectUri}-other` });
      expect(wrongRedirect).toMatchObject({ ok: false, error: 'invalid_grant' });

      const third = await obtainCode(cfg, server.tokenUrl, driver);
      const ok = await exchangeCode(cfg, server.tokenUrl, third);
      expect(ok.ok && ok.tokens.token_type.toLowerCase()).toBe('bearer');
      expect(await exchangeCode(cfg, server.tokenUrl, third)).toMatchObject({ ok: false, error: 'invalid_grant' });
    } finally {
      await driver.close();
    }
  });

  test.skipIf(!available)('a wrong password ends at the login form, with the steps in the error and no password in it', async () => {
    const driver = await make();
    try {
      const err = await obtainCode({ ...cfg, password: 'not-the-password-123' }, server.tokenUrl, driver).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/did not come back to the redirect_uri/);
      expect((err as Error).message).not.toContain('not-the-password-123');
    } finally {
      await driver.close();
    }
  });
});
