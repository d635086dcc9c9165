// The "expired token" check cannot mint a real expired token against a real target (that needs the SSO's
// signing key). It sends the closest thing: a syntactically valid JWT with the claims of a real access token
// (same header, iss, aud, client) but iat/exp an hour in the past, and a signature made of random bytes —
// signed by nothing. A server must reject it; one that accepts it checks neither expiry nor signature.
import { randomBytes } from 'node:crypto';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function expiredLookalike(realToken: string | undefined, now = Date.now()): string {
  const [h, p, sig] = (realToken ?? '').split('.');
  const header = decodePart(h) ?? { alg: 'RS256', typ: 'JWT' };
  const sec = Math.floor(now / 1000);
  const payload = { ...(decodePart(p) ?? {}), iat: sec - 7200, nbf: sec - 7200, exp: sec - 3600, jti: randomBytes(8).toString('hex') };
  const sigLength = sig ? Buffer.from(sig, 'base64url').length || 256 : 256;
  return `${b64url(header)}.${b64url(payload)}.${randomBytes(sigLength).toString('base64url')}`;
}

/** The claims of a JWT (undefined for an opaque token). */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  return decodePart(token.split('.')[1]);
}
