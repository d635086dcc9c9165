// Verification of the JWT access tokens this provider signs (RS256, typ at+jwt), with node:crypto only.

import { verify, type KeyObject } from 'node:crypto';

export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  exp: number;
  iat?: number;
  jti?: string;
  sub?: string;
  client_id?: string;
  scope?: string;
  /** oidc-provider grant id, added by our JWT customizer for user (authorization-code) tokens */
  gid?: string;
  [k: string]: unknown;
}

function decodeJson(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/**
 * Returns the claims when `token` is a well-formed compact JWS signed by `publicKey` (kid `kid`, RS256,
 * typ at+jwt), issued by `issuer` for `audience`, and not expired at `nowSeconds`; otherwise undefined.
 */
export function verifyAccessTokenJwt(
  token: string,
  opts: { publicKey: KeyObject; kid: string; issuer: string; audience: string; nowSeconds?: number },
): AccessTokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = decodeJson(h);
    payload = decodeJson(p);
  } catch {
    return undefined;
  }
  if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return undefined;
  const hd = header as Record<string, unknown>;
  if (hd.alg !== 'RS256' || hd.kid !== opts.kid || String(hd.typ).toLowerCase() !== 'at+jwt') return undefined;
  if (hd.crit !== undefined) return undefined;
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), opts.publicKey, Buffer.from(s, 'base64url'));
  if (!ok) return undefined;
  const c = payload as AccessTokenClaims;
  if (c.iss !== opts.issuer) return undefined;
  const auds = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!auds.includes(opts.audience)) return undefined;
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (typeof c.exp !== 'number' || c.exp <= now) return undefined;
  if (c.iat !== undefined && (typeof c.iat !== 'number' || c.iat > now + 5)) return undefined;
  return c;
}
