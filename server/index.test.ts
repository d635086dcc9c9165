// Lifecycle: startServer defaults and ready time, file persistence, and the `serve` command.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, startServer } from './index.ts';
import { serveMain } from './serve.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

describe('startServer', () => {
  it('starts with the defaults (capabilities.json, auth on, loopback) well under 2 s and closes', async () => {
    const t0 = performance.now();
    const s = await startServer({ quiet: true });
    const readyMs = performance.now() - t0;
    try {
      console.info(`startServer ready in ${readyMs.toFixed(0)} ms`);
      expect(readyMs).toBeLessThan(2000);
      expect(s.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
      expect(s.tokenUrl).toBe(s.baseUrl.replace(/\/fhir$/, '/oauth/token'));
      expect(s.issuer).toBe(s.baseUrl.replace(/\/fhir$/, '/oauth'));
      expect(s.profile).toBe('conformant');
      expect(s.faults).toEqual([]);
      expect(s.clientId).toBe(process.env.DHP_CLIENT_ID ?? DEFAULT_CLIENT_ID);
      expect(s.testUser.username).toBeTruthy();
      expect(s.publicClient.redirectUri.startsWith(s.baseUrl.replace(/\/fhir$/, ''))).toBe(true);

      const token = await fetch(s.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret }),
      });
      expect(token.status).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      const res = await fetch(`${s.baseUrl}/Patient?_count=1`, { headers: { Authorization: `Bearer ${access_token}` } });
      expect(res.status).toBe(200);
      // The real matrix lists AuditEvent; under the conformant profile it is served.
      expect((await fetch(`${s.baseUrl}/AuditEvent`, { headers: { Authorization: `Bearer ${access_token}` } })).status).toBe(200);
    } finally {
      await s.close();
    }
    await expect(fetch(`${s.baseUrl}/metadata`)).rejects.toThrow();
  });

  it('rejects an unknown profile', async () => {
    await expect(startServer({ profile: 'nope' as never, quiet: true })).rejects.toThrow(/unknown profile/);
  });

  it('keeps data in a file database across restarts', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dbPath = `${mkdtempSync(`${tmpdir()}/dhp-`)}/dhp.sqlite`;
    const first = await startServer({ quiet: true, dbPath, auth: false });
    let id: string;
    try {
      const created = await fetch(`${first.baseUrl}/Patient`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Patient', identifier: [{ value: 'persisted' }] }),
      });
      ({ id } = (await created.json()) as { id: string });
    } finally {
      await first.close();
    }
    const second = await startServer({ quiet: true, dbPath, auth: false });
    try {
      expect((await fetch(`${second.baseUrl}/Patient/${id}`)).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('serveMain', () => {
  it('prints the URLs and client credentials, and exits cleanly on SIGTERM', async () => {
    const env = { ...process.env };
    delete env.DHP_CLIENT_ID;
    delete env.DHP_CLIENT_SECRET;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', "await (await import('./server/serve.ts')).serveMain(process.argv.slice(1))",
        '--', '--profile', 'playground', '--fault', 'strong-etag', '--latency', '1'],
      { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // A failed expectation must not leave the server running.
    const exited = once(child, 'exit');
    try {
      await new Promise<void>((ok, ko) => {
        const timer = setTimeout(() => ko(new Error(`no output: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          if (out.includes('client_secret')) {
            clearTimeout(timer);
            ok();
          }
        });
      });
      expect(out).toMatch(/FHIR base URL: http:\/\/127\.0\.0\.1:\d+\/fhir/);
      expect(out).toMatch(/Token URL: +http:\/\/127\.0\.0\.1:\d+\/oauth\/token/);
      expect(out).toContain(`client_id:     ${DEFAULT_CLIENT_ID}`);
      expect(out).toContain('playground, faults: strong-etag');
      const base = /FHIR base URL: (\S+)/.exec(out)![1];
      const meta = await fetch(`${base}/metadata`);
      expect(meta.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('rejects bad arguments before starting anything', async () => {
    await expect(serveMain(['--profile', 'nope'])).rejects.toThrow(/--profile/);
    await expect(serveMain(['--port', 'x'])).rejects.toThrow(/--port/);
    await expect(serveMain(['--fault', 'no-such-fault'])).rejects.toThrow(/unknown fault/);
  });
});
