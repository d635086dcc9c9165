// Secrets (client secret, tokens, codes, verifiers, passwords) never reach a report, log or attachment:
// every exchange and every log line passes through here before it is written anywhere.

export const REDACTED = '[REDACTED]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'dpop']);
// `code` is an OAuth authorization code only in OAuth messages; in FHIR it is Coding.code or a search
// parameter, so it is redacted where an OAuth message carries it (a form with grant_type, a redirect with state).
const SECRET_FIELDS = new Set([
  'client_secret', 'access_token', 'refresh_token', 'id_token', 'code_verifier', 'password',
  'assertion', 'client_assertion', 'subject_token',
]);
const isSecretField = (k: string, oauthMessage: boolean) => SECRET_FIELDS.has(k) || (oauthMessage && k === 'code');
// Shorter values are too common to replace blindly in free text (and cannot be meaningful secrets).
const MIN_SECRET_LENGTH = 6;

const registered = new Set<string>();
/** Every form of every registered secret in one pattern (longest first), rebuilt when a secret is added. */
let pattern: RegExp | undefined;

/** Remember a secret value so it is scrubbed wherever it appears, whatever the field it travels in. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  registered.add(value);
  const forms = new Set<string>();
  for (const s of registered) for (const f of [s, encodeURIComponent(s), Buffer.from(s).toString('base64')]) forms.add(f);
  pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
}

const CREDENTIAL = /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Replaces every registered secret (and its URL-encoded and base64 forms) in free text. */
export function redactText(text: string): string {
  const out = pattern ? text.replace(pattern, REDACTED) : text;
  // A Basic credential carries client_id:secret in base64; the pair never appears in the registry as such.
  // Every string of every exchange read passes here: look before replacing, most carry no credential.
  return out.includes('Basic') || out.includes('Bearer') ? out.replace(CREDENTIAL, `$1 ${REDACTED}`) : out;
}

const SECRET_FIELD_NAME = new RegExp(`(^|[^A-Za-z_])(${[...SECRET_FIELDS].join('|')})([^A-Za-z_]|$)`);

/**
 * Registers the secrets a body carries in OAuth fields (a token response's access_token, a form's client_secret)
 * without redacting it: exchanges are redacted only when read, but a secret seen once must be scrubbed from
 * everything written afterwards. A body that names no such field costs one regex scan.
 */
export function registerSecretsIn(body: string | undefined, contentType = ''): void {
  if (body && SECRET_FIELD_NAME.test(body)) redactBody(body, contentType);
}

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : String(v);
    out[k.toLowerCase()] = SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : redactText(value);
  }
  return out;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const oauth = u.searchParams.has('state') || u.searchParams.has('code_challenge') || u.pathname.includes('/oauth');
    for (const k of [...u.searchParams.keys()]) if (isSecretField(k, oauth)) u.searchParams.set(k, REDACTED);
    if (u.password) u.password = REDACTED;
    return redactText(u.toString());
  } catch {
    return redactText(url);
  }
}

/** Redacts a form body (`a=b&c=d`) or JSON body; anything else goes through the text scrubber. */
export function redactBody(body: string | undefined, contentType = ''): string | undefined {
  if (body === undefined || body === '') return body;
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const p = new URLSearchParams(body);
    const oauth = p.has('grant_type') || p.has('state');
    for (const k of [...p.keys()]) {
      if (!isSecretField(k, oauth)) continue;
      // Once seen, a secret is scrubbed everywhere after, e.g. when a server echoes it back.
      p.getAll(k).forEach(registerSecret);
      p.set(k, REDACTED);
    }
    return redactText(p.toString());
  }
  if (contentType.includes('json')) {
    try {
      return redactText(JSON.stringify(redactJson(JSON.parse(body)), null, 2));
    } catch { /* not JSON after all: fall through to the text scrubber */ }
  }
  return redactText(body);
}

export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => {
      if (!SECRET_FIELDS.has(k) || typeof v !== 'string') return [k, redactJson(v)];
      registerSecret(v);
      return [k, REDACTED];
    }));
  }
  return typeof value === 'string' ? redactText(value) : value;
}
