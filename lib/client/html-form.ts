// Finds the login form in an SSO page and fills it, without a browser: action (resolved against the page URL,
// HTML entities decoded), method and every named input with its value (hidden fields such as CSRF tokens).

export interface HtmlForm { action: URL; method: 'GET' | 'POST'; fields: [string, string][]; hasPassword: boolean }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1]!.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

export function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (name === 'form' || name === 'input' || name === 'button') continue;
    out[name] ??= decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** Every form of the page, in document order. */
export function parseForms(html: string, pageUrl: URL): HtmlForm[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map((m) => {
    const a = attributes(m[1]!);
    const fields: [string, string][] = [];
    let hasPassword = false;
    for (const input of m[2]!.matchAll(/<(input|button)\b([^>]*)>/gi)) {
      const ia = attributes(input[2]!);
      const type = (ia.type ?? (input[1]!.toLowerCase() === 'button' ? 'submit' : 'text')).toLowerCase();
      if (type === 'password') hasPassword = true;
      if (!ia.name || ['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !('checked' in ia)) continue;
      fields.push([ia.name, ia.value ?? '']);
    }
    return { action: new URL(a.action || pageUrl.href, pageUrl), method: (a.method ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET', fields, hasPassword };
  });
}

/** The form's fields with `values` set (added when the form lacks them). */
export function fill(form: HtmlForm, values: Record<string, string>): URLSearchParams {
  const out = new URLSearchParams();
  const done = new Set<string>();
  for (const [k, v] of form.fields) {
    out.append(k, k in values ? values[k]! : v);
    done.add(k);
  }
  for (const [k, v] of Object.entries(values)) if (!done.has(k)) out.append(k, v);
  return out;
}
