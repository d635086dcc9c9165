// The "expired token" check cannot mint a real expired token against a real target (that needs the SSO's
// signing key). It sends the closest thing: a syntactically valid JWT with the claims of a real access token
// (same header, iss, aud, client) but iat/exp an hour in the past, and a signature made of bytes drawn from the run
// seed — signed by nothing. A server must reject it; one that accepts it checks neither expiry nor signature.
import type { Draw } from '../run/seed.ts';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function expiredLookalike(realToken: string | undefined, d: Draw, now = Date.now()): string {
  const [h, p, sig] = (realToken ?? '').split('.');
  const header = decodePart(h) ?? { alg: 'RS256', typ: 'JWT' };
  const sec = Math.floor(now / 1000);
  const payload = { ...(decodePart(p) ?? {}), iat: sec - 7200, nbf: sec - 7200, exp: sec - 3600, jti: d.hex(8) };
  const sigLength = sig ? Buffer.from(sig, 'base64url').length || 256 : 256;
  return `${b64url(header)}.${b64url(payload)}.${Buffer.from(d.hex(sigLength), 'hex').toString('base64url')}`;
}

/** The claims of a JWT (undefined for an opaque token). */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  return decodePart(token.split('.')[1]);
}
