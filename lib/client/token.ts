// The harness's own access token: client_credentials through oauth4webapi, cached, and refreshed before
// expires_in runs out so that a long run never dies mid-way with a 401.
import * as oauth from 'oauth4webapi';
import { registerSecret } from './redact.ts';

export interface TokenSourceOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  clientAuth: 'client_secret_post' | 'client_secret_basic';
  /** Refresh when less than this share of the lifetime is left (default 0.2, at least 30 s). */
  refreshShare?: number;
  now?: () => number;
}

export class TokenError extends Error {
  constructor(readonly tokenUrl: string, detail: string) {
    super(`token request to ${tokenUrl} failed: ${detail}`);
    this.name = 'TokenError';
  }
}

export class TokenSource {
  private current?: { token: string; refreshAt: number };
  private inflight?: Promise<string>;
  /** How many tokens were obtained (the refresh self-test counts them). */
  issued = 0;

  constructor(private readonly o: TokenSourceOptions) {
    registerSecret(o.clientSecret);
  }

  private get now(): number {
    return (this.o.now ?? Date.now)();
  }

  async get(): Promise<string> {
    if (this.current && this.now < this.current.refreshAt) return this.current.token;
    // Concurrent callers share one token request.
    this.inflight ??= this.fetchToken().finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  invalidate(): void {
    this.current = undefined;
  }

  private async fetchToken(): Promise<string> {
    const url = new URL(this.o.tokenUrl);
    const as: oauth.AuthorizationServer = { issuer: url.origin, token_endpoint: url.toString() };
    const client: oauth.Client = { client_id: this.o.clientId };
    const auth = this.o.clientAuth === 'client_secret_basic' ? oauth.ClientSecretBasic(this.o.clientSecret) : oauth.ClientSecretPost(this.o.clientSecret);
    // Loopback targets (the embedded server) speak plain HTTP; anything else must be HTTPS.
    const insecure = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    let result: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), {
        [oauth.allowInsecureRequests]: insecure, signal: AbortSignal.timeout(30_000),
      });
      result = await oauth.processClientCredentialsResponse(as, client, response);
    } catch (e) {
      if (e instanceof oauth.ResponseBodyError) throw new TokenError(this.o.tokenUrl, `${e.status} ${e.error}${e.error_description ? ` (${e.error_description})` : ''}`);
      throw new TokenError(this.o.tokenUrl, (e as Error).message);
    }
    registerSecret(result.access_token);
    const lifetimeMs = (result.expires_in ?? 300) * 1000;
    const margin = Math.max(30_000, lifetimeMs * (this.o.refreshShare ?? 0.2));
    this.current = { token: result.access_token, refreshAt: this.now + Math.max(0, lifetimeMs - margin) };
    this.issued++;
    return result.access_token;
  }
}
