// Raw requests to the OAuth token endpoint for the auth checks (which must see the server's own answer, error
// or not — oauth4webapi would turn errors into exceptions). Every token seen is registered as a secret first.
import { FhirClient, type FhirResponse } from './http.ts';
import { registerSecret } from './redact.ts';

export interface TokenAnswer {
  status: number;
  accessToken?: string;
  tokenType?: string;
  expiresIn?: unknown;
  error?: string;
  errorDescription?: string;
  cacheControl?: string;
  res: FhirResponse;
}

/** RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded, then joined with ":" and base64-encoded. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

/**
 * A client for the token endpoint: the FHIR client itself when the SSO shares its origin (its exchanges then
 * become the check's evidence), else a client of the SSO's own origin.
 */
export function tokenEndpointClient(tokenUrl: string, sameOrigin: FhirClient): FhirClient {
  const origin = new URL(tokenUrl).origin;
  return new URL(sameOrigin.baseUrl).origin === origin ? sameOrigin : new FhirClient({ baseUrl: origin, timeoutMs: 30_000, connections: 2, maxRetries: 0 });
}

export async function postToken(client: FhirClient, tokenUrl: string, form: Record<string, string>, authorization?: string): Promise<TokenAnswer> {
  for (const k of ['client_secret', 'code', 'code_verifier', 'password']) registerSecret(form[k]);
  const res = await client.request('POST', tokenUrl, {
    form, auth: false, accept: 'any', headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
  });
  const b = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  if (typeof b.access_token === 'string') registerSecret(b.access_token);
  if (typeof b.refresh_token === 'string') registerSecret(b.refresh_token);
  if (typeof b.id_token === 'string') registerSecret(b.id_token);
  return {
    status: res.status,
    accessToken: typeof b.access_token === 'string' ? b.access_token : undefined,
    tokenType: typeof b.token_type === 'string' ? b.token_type : undefined,
    expiresIn: b.expires_in,
    error: typeof b.error === 'string' ? b.error : undefined,
    errorDescription: typeof b.error_description === 'string' ? b.error_description : undefined,
    cacheControl: res.headers['cache-control'],
    res,
  };
}

/** Cache-Control forbids storing the response (RFC 6749 §5.1: "Cache-Control: no-store"). */
export function isNoStore(cacheControl: string | undefined): boolean {
  return (cacheControl ?? '').split(',').some((d) => d.trim().toLowerCase() === 'no-store');
}
