// Evidence on disk: the redacted HTTP exchanges behind a verdict that is not pass. A run against a failing server
// judges thousands of checks, and the same big body (the /metadata CapabilityStatement, a searchset of everything
// planted) would otherwise be copied into hundreds of files, so:
// - a body longer than BODY_INLINE_MAX is stored once, named by its sha256, under evidence/bodies/ and the exchange
//   points at it, gzip'd: `"body": {"$ref": "bodies/<sha256>.txt.gz", "sha256": …, "bytes": …}`;
// - an evidence file is named by the hash of its content, so identical evidence is written once;
// - a file larger than GZIP_MIN is written gzip'd (`.gz`): readers go through readEvidenceText();
// - Allure gets the same exchanges with the bodies inline, cut (it cannot follow a reference).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Exchange } from '../client/http.ts';
import { redactText } from '../client/redact.ts';
import type { Verdict } from '../verdicts.ts';
import { sha256 } from './text.ts';

export const BODY_INLINE_MAX = 2 * 1024;
export const GZIP_MIN = 32 * 1024;
/**
 * Allure gets the evidence inline (it cannot follow a $ref to a .gz): each body cut at ATTACHMENT_BODY_MAX, the whole
 * cut at ATTACHMENT_MAX, with a pointer to the evidence file.
 */
export const ATTACHMENT_MAX = 64 * 1024;
export const ATTACHMENT_BODY_MAX = 4 * 1024;

export interface EvidenceRecord {
  capability: string;
  check: string;
  verdict: Verdict;
  exchanges: Exchange[];
  /** Named documents a check adds (e.g. the planted resources of a search check), redacted like the exchanges. */
  attachments?: Record<string, unknown>;
}

export interface BodyRef { $ref: string; sha256: string; bytes: number }

/** Writes `data` to `file` unless it is there already (content-addressed), atomically: parallel workers share the folder. */
function writeOnce(file: string, data: string | Buffer): void {
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.floor(performance.now() * 1000)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Stores `text` content-addressed under `dir`, gzip'd past `gzipMin`; returns the file name. */
function store(dir: string, stem: string, ext: string, text: string, gzipMin = GZIP_MIN): string {
  const gz = Buffer.byteLength(text) > gzipMin;
  const name = `${stem}${ext}${gz ? '.gz' : ''}`;
  writeOnce(join(dir, name), gz ? gzipSync(text, { level: 9 }) : text);
  return name;
}

function outline(body: string | undefined, bodiesDir: string): string | BodyRef | undefined {
  if (body === undefined || body.length <= BODY_INLINE_MAX) return body;
  const hash = sha256(body);
  return { $ref: `bodies/${store(bodiesDir, hash, '.txt', body, 0)}`, sha256: hash, bytes: Buffer.byteLength(body) };
}

/**
 * Writes one check's evidence under <runDir>/evidence and returns its path relative to the run folder, and the text
 * to attach to Allure. Everything is redacted before it is hashed or written.
 */
export function writeEvidence(runDir: string, record: EvidenceRecord): { path: string; attachment: string } {
  const dir = join(runDir, 'evidence');
  const redacted = JSON.parse(redactText(JSON.stringify(record))) as EvidenceRecord;
  const exchanges = redacted.exchanges.map((e) => ({
    ...e,
    request: { ...e.request, body: outline(e.request.body, join(dir, 'bodies')) },
    ...(e.response && { response: { ...e.response, body: outline(e.response.body, join(dir, 'bodies')) } }),
  }));
  const text = JSON.stringify({ ...redacted, exchanges }, null, 2);
  const stem = `${record.capability.replace(/[^A-Za-z0-9_.-]+/g, '_')}--${sha256(text).slice(0, 12)}`;
  const path = `evidence/${store(dir, stem, '.json', text)}`;
  const cut = (body: string | undefined) => body && body.length > ATTACHMENT_BODY_MAX ? `${body.slice(0, ATTACHMENT_BODY_MAX)}… (${body.length} characters: the whole body is in ${path})` : body;
  const inline = JSON.stringify({ ...redacted, evidence: path, exchanges: redacted.exchanges.map((e) => ({
    ...e, request: { ...e.request, body: cut(e.request.body) }, ...(e.response && { response: { ...e.response, body: cut(e.response.body) } }),
  })) }, null, 2);
  const attachment = inline.length <= ATTACHMENT_MAX ? inline
    : `${inline.slice(0, ATTACHMENT_MAX)}\n… cut at ${ATTACHMENT_MAX} characters: the whole evidence is ${path} in the run folder`;
  return { path, attachment };
}

/** The text of an evidence file or stored body (gunzipped when it ends in .gz). */
export function readEvidenceText(file: string): string {
  const data = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
}
