import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Exchange } from '../client/http.ts';
import { registerSecret } from '../client/redact.ts';
import { BODY_INLINE_MAX, readEvidenceText, writeEvidence, type EvidenceRecord } from './evidence.ts';

const exchange = (url: string, body: string, seq = 1): Exchange => ({
  seq, startedAt: '2026-06-03T00:00:00.000Z', durationMs: 1, attempt: 1,
  request: { method: 'GET', url, headers: { authorization: '[REDACTED]' } },
  response: { status: 200, headers: { 'content-type': 'application/fhir+json' }, body },
});
const record = (check: string, exchanges: Exchange[]): EvidenceRecord => ({ capability: 'search:Observation:date', check, verdict: 'fail', exchanges });

describe('evidence on disk', () => {
  const metadata = JSON.stringify({ resourceType: 'CapabilityStatement', padding: 'x'.repeat(200_000) });

  test('a big body is stored once, content-addressed and gzip\'d, and every exchange points at it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dhp-evidence-'));
    const a = writeEvidence(dir, record('check a', [exchange('http://h/fhir/metadata', metadata, 1), exchange('http://h/fhir/Observation?date=gt2020', '{"resourceType":"Bundle"}', 2)]));
    const b = writeEvidence(dir, record('check b', [exchange('http://h/fhir/metadata', metadata, 7)]));
    expect(a.path).not.toBe(b.path);
    expect(readdirSync(join(dir, 'evidence', 'bodies'))).toHaveLength(1);
    const first = JSON.parse(readEvidenceText(join(dir, a.path)));
    const ref = first.exchanges[0].response.body;
    expect(ref).toMatchObject({ $ref: expect.stringMatching(/^bodies\/[0-9a-f]{64}\.txt\.gz$/), bytes: metadata.length });
    expect(readEvidenceText(join(dir, 'evidence', ref.$ref))).toBe(metadata);
    expect(first.exchanges[1].response.body).toBe('{"resourceType":"Bundle"}');
    // Allure cannot follow the reference: it gets the body inline, cut, and where the whole one is.
    const attached = JSON.parse(a.attachment);
    expect(attached.evidence).toBe(a.path);
    expect(attached.exchanges[0].response.body).toMatch(/^\{"resourceType":"CapabilityStatement".*… \(\d+ characters: the whole body is in evidence\/.*\.json\)$/s);
  });

  test('identical evidence is written once; a small body stays inline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dhp-evidence-'));
    const r = record('same', [exchange('http://h/fhir/Patient', 'y'.repeat(BODY_INLINE_MAX))]);
    expect(writeEvidence(dir, r).path).toBe(writeEvidence(dir, r).path);
    expect(readdirSync(join(dir, 'evidence'))).toHaveLength(1);
  });

  test('an evidence file past the gzip threshold is written .json.gz and reads back whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dhp-evidence-'));
    const many = Array.from({ length: 40 }, (_, i) => exchange(`http://h/fhir/Patient?_count=${i}`, 'z'.repeat(BODY_INLINE_MAX - 10), i));
    const { path, attachment } = writeEvidence(dir, record('many', many));
    expect(path).toMatch(/\.json\.gz$/);
    expect(JSON.parse(readEvidenceText(join(dir, path))).exchanges).toHaveLength(40);
    expect(attachment).toMatch(/cut at \d+ characters: the whole evidence is evidence\/.*\.json\.gz/);
    expect(attachment.length).toBeLessThan(70 * 1024);
  });

  test('a registered secret is scrubbed before anything is hashed or written, bodies included', () => {
    registerSecret('s3cr3t-evidence-value');
    const dir = mkdtempSync(join(tmpdir(), 'dhp-evidence-'));
    const { path } = writeEvidence(dir, record('leak', [exchange('http://h/fhir/x', `${'q'.repeat(BODY_INLINE_MAX)} s3cr3t-evidence-value`)]));
    const body = JSON.parse(readEvidenceText(join(dir, path))).exchanges[0].response.body;
    expect(readEvidenceText(join(dir, 'evidence', body.$ref))).not.toContain('s3cr3t-evidence-value');
  });
});
