import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FhirClient } from '../lib/client/http.ts';
import { TokenError, TokenSource } from '../lib/client/token.ts';
import { startServer, type RunningServer } from '../server/index.ts';

// The real reference server and its real OAuth server; only the clock of the token source is ours.
let server: RunningServer;
beforeAll(async () => { server = await startServer({ profile: 'conformant', quiet: true }); });
afterAll(async () => { await server.close(); });

describe('the harness token is refreshed before expires_in runs out', () => {
  test('a cached token is reused, then replaced once 80 % of its lifetime has passed, and the new one works', async () => {
    let now = Date.now();
    const tokens = new TokenSource({ tokenUrl: server.tokenUrl, clientId: server.clientId, clientSecret: server.clientSecret, clientAuth: 'client_secret_post', now: () => now });
    const first = await tokens.get();
    expect(await tokens.get()).toBe(first);
    expect(tokens.issued).toBe(1);

    now += 3600_000 * 0.79;
    expect(await tokens.get()).toBe(first);
    now += 3600_000 * 0.02;
    const second = await tokens.get();
    expect(tokens.issued).toBe(2);
    expect(second).not.toBe(first);

    const client = new FhirClient({ baseUrl: server.baseUrl, token: () => tokens.get() });
    expect((await client.request('GET', 'Patient?_count=1')).status).toBe(200);
    await client.close();
  });

  test('concurrent callers share one token request', async () => {
    const tokens = new TokenSource({ tokenUrl: server.tokenUrl, clientId: server.clientId, clientSecret: server.clientSecret, clientAuth: 'client_secret_basic' });
    const all = await Promise.all(Array.from({ length: 8 }, () => tokens.get()));
    expect(new Set(all).size).toBe(1);
    expect(tokens.issued).toBe(1);
  });

  test('a wrong secret is a TokenError naming the endpoint and the OAuth error, not the secret', async () => {
    const tokens = new TokenSource({ tokenUrl: server.tokenUrl, clientId: server.clientId, clientSecret: 'definitely-wrong-secret', clientAuth: 'client_secret_post' });
    const err = await tokens.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as Error).message).toContain(server.tokenUrl);
    expect((err as Error).message).toContain('invalid_client');
    expect((err as Error).message).not.toContain('definitely-wrong-secret');
  });
});
