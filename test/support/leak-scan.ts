// The leak scanner of the self-tests: every file a run (and what follows it: merge, history, dashboard, certificate)
// writes, read the way a person could read it — gzip'd files and packed archives unpacked — searched for the planted
// secrets and for what a leaked credential looks like once its exact value is unknown (tokens and codes live only in
// the child process).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const LEAK_PATTERNS: [string, RegExp][] = [
  ['a JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  // A credential is long and has digits (so a sentence such as "Bearer access_token" is not one).
  ['a Bearer/Basic credential', /\b(?:Bearer|Basic)\s+(?!\[REDACTED\])(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}/],
  ['a secret JSON field', /"(?:access_token|refresh_token|id_token|client_secret|code_verifier|password)"\s*:\s*"(?!\[REDACTED\])[^"]+"/],
  ['a secret form field', /\b(?:access_token|client_secret|code_verifier|password)=(?!%5BREDACTED%5D|\[REDACTED\])[^&\s"]+/],
  ['an authorization code', /[?&]code=(?!%5BREDACTED%5D|\[REDACTED\])[A-Za-z0-9_-]{20,}/],
];

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** A file's content as text; .gz and .tgz unpacked (a tar stores its members' bytes as they are, so it reads as text). */
export function readableText(file: string): string {
  const data = readFileSync(file);
  return (/\.(t?gz)$/.test(file) ? gunzipSync(data) : data).toString('latin1');
}

/** `[where, what]` for every needle or leak pattern found in the texts. */
export function findLeaks(texts: [string, string][], needles: [string, string][]): string[] {
  const hits: string[] = [];
  for (const [where, text] of texts) {
    for (const [what, needle] of needles) if (text.includes(needle)) hits.push(`${what} in ${where}`);
    for (const [what, re] of LEAK_PATTERNS) {
      const m = re.exec(text);
      if (m) hits.push(`${what} in ${where}: ${m[0].slice(0, 40)}…`);
    }
  }
  return hits;
}
