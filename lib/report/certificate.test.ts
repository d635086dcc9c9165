import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { certificateVerdict, certifyDecision, verifyCertificate, writeCertificate } from './certificate.ts';
import type { Results } from './results.ts';

const SUITES = ['auth', 'search'] as const;

function results(o: Partial<Results> = {}, verdict: Results['capabilities'][number]['verdict'] = 'pass'): Results {
  const capabilities = [
    { id: 'auth:client-credentials', tier: 'SHALL' as const, suite: 'auth' as const, title: 't', verdict: 'pass' as const, evidence: [], flaky: false, checks: [] },
    { id: 'search:Patient:name', tier: 'SHALL' as const, suite: 'search' as const, title: 't', verdict, reason: verdict === 'pass' ? undefined : 'wrong', evidence: verdict === 'pass' ? [] : ['evidence/e.json'], flaky: false, checks: [] },
  ];
  const summary = Object.fromEntries(['pass', 'fail', 'error', 'blocked', 'expected-gap', 'gap-closed', 'not-run'].map((v) => [v, capabilities.filter((c) => c.verdict === v).length])) as Results['summary'];
  return {
    schemaVersion: 1, runId: 'r-cert', seed: 42, harness: { name: 'dhp-conformance', version: '0.1.0', commit: 'c0ffee' }, matrix: { version: 'm1', sha256: 'ab'.repeat(32) },
    target: { name: 'vendor', baseUrl: 'https://fhir.vendor.example/fhir', readOnly: false, embedded: false }, options: { suites: [...SUITES], strictGaps: false },
    startedAt: '2026-06-03T10:00:00Z', finishedAt: '2026-06-03T10:05:00Z', exitCode: 0, outcome: 'conformant', summary, bySuite: {}, capabilities, unmapped: [], ...o,
  };
}

function runFolder(r: Results): string {
  const dir = mkdtempSync(join(tmpdir(), 'dhp-cert-'));
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ ...r, server: { fhirVersion: '5.0.0', software: { name: 'VendorFHIR', version: '2.1' } } }, null, 2)}\n`);
  mkdirSync(join(dir, 'evidence', 'bodies'), { recursive: true });
  writeFileSync(join(dir, 'evidence', 'e.json'), '{"exchanges":[]}');
  writeFileSync(join(dir, 'evidence', 'bodies', 'b.txt.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
  writeFileSync(join(dir, 'junit.xml'), '<testsuites/>');
  return dir;
}

const files = (dir: string, root = dir): string[] => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? files(p, root) : [relative(root, p)];
});

describe('the vendor certificate', () => {
  test('certified only with no failure and the whole profile covered; partial for a restricted run', () => {
    expect(certificateVerdict(results(), SUITES).verdict).toBe('certified');
    expect(certificateVerdict(results({}, 'fail'), SUITES)).toMatchObject({ verdict: 'not-certified', because: expect.stringContaining('1 fail') });
    expect(certificateVerdict(results({}, 'expected-gap'), SUITES).verdict).toBe('not-certified');
    expect(certificateVerdict(results({ options: { suites: ['auth'], strictGaps: false } }), SUITES)).toMatchObject({ verdict: 'partial', because: expect.stringContaining('suites search not run') });
    expect(certificateVerdict(results({ options: { suites: [...SUITES], strictGaps: false, shard: '1/2' } }), SUITES).verdict).toBe('partial');
  });

  test('it names the server software and FHIR version from results.json, and verifies', () => {
    const dir = runFolder(results());
    const c = writeCertificate(dir, JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')), SUITES);
    expect(c.target).toMatchObject({ software: { name: 'VendorFHIR', version: '2.1' }, fhirVersion: '5.0.0' });
    expect(Object.keys(c.files).sort()).toEqual(['evidence/bodies/b.txt.gz', 'evidence/e.json', 'junit.xml', 'results.json']);
    expect(readFileSync(join(dir, 'certificate.md'), 'utf8')).toContain('| verdict | CERTIFIED');
    expect(readFileSync(join(dir, 'certificate.html'), 'utf8')).toContain('@page{size:A4');
    expect(verifyCertificate(dir)).toMatchObject({ ok: true, problems: [], notCovered: [] });
  });

  test('a one-byte edit of any file — covered or the certificate itself — fails verification', () => {
    const dir = runFolder(results());
    writeCertificate(dir, JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')), SUITES);
    const all = files(dir);
    expect(all).toHaveLength(7);
    for (const f of all) {
      const copy = mkdtempSync(join(tmpdir(), 'dhp-cert-edit-'));
      cpSync(dir, copy, { recursive: true });
      const bytes = readFileSync(join(copy, f));
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      writeFileSync(join(copy, f), bytes);
      const v = verifyCertificate(copy);
      expect(v.ok, `${f} edited`).toBe(false);
      expect(v.problems.length, f).toBeGreaterThan(0);
    }
  });

  test('a file added later is not covered (noted), a file removed fails', () => {
    const dir = runFolder(results());
    writeCertificate(dir, JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')), SUITES);
    writeFileSync(join(dir, 'notes.txt'), 'later');
    expect(verifyCertificate(dir)).toMatchObject({ ok: true, notCovered: ['notes.txt'] });
    writeFileSync(join(dir, 'junit.xml'), '');
    expect(verifyCertificate(dir).problems).toEqual(['junit.xml was changed (sha256 differs)']);
  });
});

describe('which runs are certified', () => {
  test('asked, or a whole vendor run by default; never a target with expected gaps; a shard waits for its merge', () => {
    expect(certifyDecision({ requested: false, target: 'vendor', gaps: 0 })).toBe(true);
    expect(certifyDecision({ requested: false, target: 'vendor', gaps: 0, shard: true })).toBe(false);
    expect(certifyDecision({ requested: true, target: 'vendor', gaps: 0, shard: true })).toBe(true);
    expect(certifyDecision({ requested: false, target: 'local', gaps: 0 })).toBe(false);
    expect(certifyDecision({ requested: false, target: 'vendor', gaps: 2 })).toBe(false);
    expect(() => certifyDecision({ requested: true, target: 'playground', gaps: 23 })).toThrow(/has 23 expected gaps, so it cannot be certified/);
  });
});
