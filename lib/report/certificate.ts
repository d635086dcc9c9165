// The vendor certificate: what a vendor hands over. certificate.json holds the verdict, the capability table, the
// harness version and commit, the matrix sha256, the seed, the target (URL, software and fhirVersion from its
// CapabilityStatement), the time, and the sha256 of every file of the run folder (results.json and the evidence
// included); certificate.md and certificate.html (for print) are rendered from it. `verify` recomputes everything: a
// one-byte edit of any covered file, of the certificate or of its renderings fails verification.
//
// Certifying means "against the profile as written": a target with expected gaps cannot be certified (the CLI refuses
// --certify for it), and a run that did not cover the whole profile (some suites, some search types, one shard) gets
// the verdict `partial`, never `certified`.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { redactUrl } from '../client/redact.ts';
import type { Verdict } from '../verdicts.ts';
import type { Results } from './results.ts';
import { escapeHtml, sha256 } from './text.ts';
import { canonicalJson } from '../fhir/canonical-json.ts';
import { ConfigError } from '../config/errors.ts';

export const CERTIFICATE_SCHEMA = 1;
export const CERTIFICATE_FILES = ['certificate.json', 'certificate.md', 'certificate.html'] as const;

export type CertificateVerdict = 'certified' | 'not-certified' | 'partial';

export interface Certificate {
  schema: typeof CERTIFICATE_SCHEMA;
  kind: 'dhp-conformance certificate';
  verdict: CertificateVerdict;
  /** Why, in one sentence. */
  because: string;
  runId: string;
  issuedAt: string;
  startedAt: string;
  finishedAt: string;
  seed: number;
  harness: Results['harness'];
  matrix: Results['matrix'];
  target: { name: string; baseUrl: string; profile?: string; software: { name?: string; version?: string } | null; fhirVersion: string | null };
  scope: { suites: string[]; searchTypes: string[] | null; shard?: string };
  summary: Results['summary'];
  capabilities: { id: string; tier: string; suite: string; verdict: Verdict }[];
  /** sha256 of every file of the run folder when the certificate was issued (its own files excepted). */
  files: Record<string, string>;
  /** sha256 over the manifest `<sha256>  <path>\n`, one line per file in path order (sha256sum's format). */
  contentSha256: string;
  /** sha256 over this certificate's canonical JSON without this field. */
  certificateSha256: string;
}

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(root, p) : [relative(root, p).split(sep).join('/')];
  });
}

/** Every file of the run folder but the certificate's own, with its sha256. */
export function hashRunFolder(dir: string): Record<string, string> {
  const own = new Set<string>(CERTIFICATE_FILES);
  return Object.fromEntries(filesUnder(dir).filter((f) => !own.has(f)).map((f) => [f, sha256(readFileSync(join(dir, f)))]));
}

export const manifestSha256 = (files: Record<string, string>) =>
  sha256(Object.keys(files).sort().map((f) => `${files[f]}  ${f}\n`).join(''));

/** The verdict: no failure, no gap, and the whole profile covered (every suite of the harness, every type, no shard). */
export function certificateVerdict(r: Results, allSuites: readonly string[]): { verdict: CertificateVerdict; because: string } {
  const broken = (['fail', 'error', 'blocked', 'expected-gap'] as const).filter((v) => r.summary[v]);
  const unmapped = r.unmapped.filter((c) => c.verdict === 'fail' || c.verdict === 'error').length;
  if (broken.length || unmapped) {
    return { verdict: 'not-certified', because: `${broken.map((v) => `${r.summary[v]} ${v}`).join(', ')}${unmapped ? `${broken.length ? ', ' : ''}${unmapped} checks failing outside the matrix` : ''}: the server does not meet the profile as written` };
  }
  if (r.outcome === 'nothing-verified') return { verdict: 'not-certified', because: 'nothing was verified (every check was not-run)' };
  const missing = allSuites.filter((s) => !r.options.suites.includes(s));
  const types = r.coverage?.search.selectedTypes;
  if (missing.length || types || r.options.shard) {
    const what = [missing.length && `suites ${missing.join(', ')} not run`, types && `search restricted to ${types.join(', ')}`, r.options.shard && `shard ${r.options.shard} only`].filter(Boolean).join('; ');
    return { verdict: 'partial', because: `no failure, but the run did not cover the whole profile (${what})` };
  }
  return { verdict: 'certified', because: `every capability judged passes (${r.summary.pass} pass, ${r.summary['not-run']} not-run with reasons)` };
}

export function buildCertificate(dir: string, r: Results, allSuites: readonly string[], issuedAt = new Date().toISOString()): Certificate {
  const facts = r.server;
  const files = hashRunFolder(dir);
  const body: Omit<Certificate, 'certificateSha256'> = {
    schema: CERTIFICATE_SCHEMA, kind: 'dhp-conformance certificate', ...certificateVerdict(r, allSuites),
    runId: r.runId, issuedAt, startedAt: r.startedAt, finishedAt: r.finishedAt, seed: r.seed, harness: r.harness, matrix: r.matrix,
    target: {
      name: r.target.name, baseUrl: redactUrl(r.target.baseUrl), profile: r.target.profile,
      software: facts?.software ?? null, fhirVersion: facts?.fhirVersion ?? null,
    },
    scope: { suites: r.options.suites, searchTypes: r.coverage?.search.selectedTypes ?? null, shard: r.options.shard },
    summary: r.summary,
    capabilities: r.capabilities.map((c) => ({ id: c.id, tier: c.tier, suite: c.suite, verdict: c.verdict })),
    files, contentSha256: manifestSha256(files),
  };
  return { ...body, certificateSha256: sha256(canonicalJson(body)) };
}

const esc = escapeHtml;
const software = (c: Certificate) => c.target.software ? `${c.target.software.name ?? '?'} ${c.target.software.version ?? ''}`.trim() : 'not recorded';
const facts = (c: Certificate): [string, string][] => [
  ['verdict', `${c.verdict.toUpperCase()} — ${c.because}`],
  ['target', `${c.target.name}${c.target.profile ? ` (${c.target.profile})` : ''} at ${c.target.baseUrl}`],
  ['server software', software(c)],
  ['FHIR version', c.target.fhirVersion ?? 'not recorded'],
  ['harness', `${c.harness.name} ${c.harness.version}${c.harness.commit ? ` (commit ${c.harness.commit})` : ' (no commit recorded)'}`],
  ['matrix', `${c.matrix.version} (sha256 ${c.matrix.sha256})`],
  ['seed', `${c.seed} (replay: dhp-conformance run --seed ${c.seed})`],
  ['run', `${c.runId}, ${c.startedAt} → ${c.finishedAt}`],
  ['scope', `suites ${c.scope.suites.join(', ')}${c.scope.searchTypes ? `; search types ${c.scope.searchTypes.join(', ')}` : ''}${c.scope.shard ? `; shard ${c.scope.shard}` : ''}`],
  ['issued', c.issuedAt],
  ['content sha256', `${c.contentSha256} (${Object.keys(c.files).length} files, results.json and evidence included)`],
  ['certificate sha256', c.certificateSha256],
];
const counts = (c: Certificate) => Object.entries(c.summary).filter(([, n]) => n).map(([v, n]) => `${n} ${v}`).join(', ');
/** Per suite: verdict → count, in the certificate's capability order. */
function bySuite(c: Certificate): [string, string][] {
  const out = new Map<string, Map<string, number>>();
  for (const x of c.capabilities) {
    const m = out.get(x.suite) ?? out.set(x.suite, new Map()).get(x.suite)!;
    m.set(x.verdict, (m.get(x.verdict) ?? 0) + 1);
  }
  return [...out].map(([suite, m]) => [suite, [...m].map(([v, n]) => `${n} ${v}`).join(', ')]);
}

export function certificateMarkdown(c: Certificate): string {
  const lines = ['# DHP conformance certificate', '', '| | |', '|---|---|', ...facts(c).map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`), '',
    `Capabilities: ${counts(c)}.`, '', '| suite | capabilities |', '|---|---|', ...bySuite(c).map(([suite, n]) => `| ${suite} | ${n} |`), '',
    'Verify: `dhp-conformance verify <this folder>` (every file\'s sha256, this certificate and its renderings).', '',
    '## Capabilities', '', '| capability | tier | suite | verdict |', '|---|---|---|---|',
    ...c.capabilities.map((x) => `| \`${x.id}\` | ${x.tier} | ${x.suite} | ${x.verdict} |`), ''];
  return lines.join('\n');
}

export function certificateHtml(c: Certificate): string {
  const colour = c.verdict === 'certified' ? '#2e8540' : c.verdict === 'partial' ? '#e07b00' : '#d83933';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DHP conformance certificate — ${esc(c.target.name)} — ${esc(c.verdict)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
@page{size:A4;margin:16mm 14mm}
body{font:11pt/1.35 Georgia,"Times New Roman",serif;color:#111;max-width:180mm;margin:10mm auto}
h1{font-size:20pt;margin:0 0 4mm} h2{font-size:13pt;margin:8mm 0 2mm;break-after:avoid}
.verdict{display:inline-block;border:2px solid ${colour};color:${colour};padding:1mm 4mm;font:bold 14pt system-ui,sans-serif;letter-spacing:.05em}
table{border-collapse:collapse;width:100%} th,td{text-align:left;vertical-align:top;padding:1mm 2mm;border-bottom:.2mm solid #bbb}
.facts th{width:38mm;white-space:nowrap} .facts td{overflow-wrap:anywhere}
.caps{font:8pt/1.2 ui-monospace,Menlo,Consolas,monospace} .caps thead{display:table-header-group} .caps tr{break-inside:avoid}
.v-pass{color:#2e8540}.v-fail,.v-error{color:#d83933;font-weight:bold}.v-blocked,.v-expected-gap{color:#e07b00}.v-not-run{color:#666}
footer{margin-top:6mm;font-size:9pt;color:#444}
@media print{body{margin:0}}
</style></head><body>
<h1>DHP conformance certificate</h1>
<p><span class="verdict">${esc(c.verdict.toUpperCase())}</span></p>
<table class="facts">${facts(c).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<p>Capabilities: ${esc(counts(c))}.</p>
<table class="facts">${bySuite(c).map(([suite, n]) => `<tr><th>${esc(suite)}</th><td>${esc(n)}</td></tr>`).join('')}</table>
<h2>Capabilities</h2>
<table class="caps"><thead><tr><th>capability</th><th>tier</th><th>suite</th><th>verdict</th></tr></thead><tbody>
${c.capabilities.map((x) => `<tr><td>${esc(x.id)}</td><td>${esc(x.tier)}</td><td>${esc(x.suite)}</td><td class="v-${esc(x.verdict)}">${esc(x.verdict)}</td></tr>`).join('\n')}
</tbody></table>
<footer>Verify with <code>dhp-conformance verify &lt;run folder&gt;</code>: it recomputes the sha256 of every file listed in certificate.json, the certificate's own sha256 and this page.</footer>
</body></html>
`;
}

/** Writes certificate.json, .md and .html into the run folder (last: they cover every other file). */
export function writeCertificate(dir: string, r: Results, allSuites: readonly string[]): Certificate {
  const c = buildCertificate(dir, r, allSuites);
  writeFileSync(join(dir, 'certificate.json'), `${JSON.stringify(c, null, 2)}\n`);
  writeFileSync(join(dir, 'certificate.md'), certificateMarkdown(c));
  writeFileSync(join(dir, 'certificate.html'), certificateHtml(c));
  return c;
}

export interface Verification { ok: boolean; problems: string[]; notCovered: string[]; certificate?: Certificate }

/** Checks a certified run folder: the certificate's own hash, its renderings, every covered file, and results.json against it. */
export function verifyCertificate(dir: string): Verification {
  const file = join(dir, 'certificate.json');
  if (!existsSync(file)) return { ok: false, problems: [`no certificate.json in ${dir}`], notCovered: [] };
  let c: Certificate;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as Certificate;
  } catch (e) {
    return { ok: false, problems: [`certificate.json is not JSON: ${(e as Error).message}`], notCovered: [] };
  }
  const problems: string[] = [];
  const { certificateSha256, ...body } = c;
  if (sha256(canonicalJson(body)) !== certificateSha256) problems.push('certificate.json was changed after it was issued (its sha256 does not match)');
  if (readFileSync(file, 'utf8') !== `${JSON.stringify(c, null, 2)}\n`) problems.push('certificate.json is not as issued (formatting or bytes changed)');
  for (const [name, render] of [['certificate.md', certificateMarkdown], ['certificate.html', certificateHtml]] as const) {
    const p = join(dir, name);
    if (!existsSync(p)) problems.push(`${name} is missing`);
    else if (readFileSync(p, 'utf8') !== render(c)) problems.push(`${name} does not match certificate.json`);
  }
  const files = c.files ?? {};
  if (!files['results.json']) problems.push('the certificate covers no results.json');
  for (const [f, hash] of Object.entries(files)) {
    const p = join(dir, f);
    if (!existsSync(p)) problems.push(`${f} is missing`);
    else if (sha256(readFileSync(p)) !== hash) problems.push(`${f} was changed (sha256 differs)`);
  }
  if (manifestSha256(files) !== c.contentSha256) problems.push('the content sha256 does not match the list of files');
  if (!problems.length) {
    const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;
    const mismatch = r.runId !== c.runId || r.seed !== c.seed || r.matrix.sha256 !== c.matrix.sha256
      || r.capabilities.length !== c.capabilities.length || r.capabilities.some((x, i) => x.id !== c.capabilities[i]!.id || x.verdict !== c.capabilities[i]!.verdict);
    if (mismatch) problems.push('results.json does not say what the certificate says');
  }
  const own = new Set<string>(CERTIFICATE_FILES);
  const notCovered = existsSync(dir) ? filesUnder(dir).filter((f) => !own.has(f) && !(f in files)) : [];
  return { ok: !problems.length, problems, notCovered, certificate: c };
}

/**
 * Whether a run is certified: when asked, and by default for a whole run (not a shard: its merge is certified) of the
 * vendor target. Certification judges the profile as written, so a target with expected gaps cannot be certified.
 */
export function certifyDecision(o: { requested: boolean; target: string; gaps: number; shard?: boolean; profile?: string }): boolean {
  const certify = o.requested || (o.target === 'vendor' && !o.gaps && !o.shard);
  if (certify && o.gaps) throw new ConfigError(`--certify judges a server against the profile as written: target "${o.target}"${o.profile ? ` (profile ${o.profile})` : ''} has ${o.gaps} expected gaps, so it cannot be certified`);
  return certify;
}
