import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DEFAULT_MATRIX_PATH, loadMatrix, MatrixError, parseMatrix, prerequisitesOf } from './load.ts';
import { GapBook, gapsOf } from './gaps.ts';
import { COMMITTED_SPEC_DIR, readSpecJson } from '../spec/files.ts';

const text = readFileSync(DEFAULT_MATRIX_PATH, 'utf8');
const mutate = (f: (m: any) => void) => {
  const m = JSON.parse(text);
  f(m);
  return JSON.stringify(m);
};
const issuesOf = (t: string) => {
  try {
    parseMatrix(t);
  } catch (e) {
    return (e as MatrixError).issues;
  }
  throw new Error('expected a MatrixError');
};

describe('the committed capabilities.json', () => {
  const { matrix } = loadMatrix();

  test('holds every resource type and search parameter of the platform CapabilityStatement', () => {
    const cs = readSpecJson<any>('data/CapabilityStatement-DHP-server-2026-10-03.json', COMMITTED_SPEC_DIR);
    const missing: string[] = [];
    for (const r of cs.rest[0].resource) {
      const mine = matrix.resources.find((x) => x.type === r.type);
      if (!mine) { missing.push(r.type); continue; }
      const names = new Set([...mine.searchParams.map((p) => p.name), ...mine.resultParams]);
      for (const p of r.searchParam ?? []) if (!names.has(p.name)) missing.push(`${r.type}:${p.name}`);
    }
    expect(missing).toEqual([]);
    expect(cs.rest[0].resource).toHaveLength(58);
  });

  test('reproduces every row of the availability table as data', () => {
    const all = gapsOf(matrix, 'playground').map((g) => `${g.kind} ${g.capability}`).sort();
    // AV5 (UZ Core terminology not loaded) also covers every :in / :not-in search on a UZ Core ValueSet.
    const modifiers = all.filter((g) => /^not-loaded search:.+:(in|not-in)$/.test(g));
    expect(modifiers.map((g) => g.slice('not-loaded '.length))).toEqual(matrix.capabilities.map((c) => c.id).filter((id) => /^search:.+:(in|not-in)$/.test(id)).sort());
    const gaps = all.filter((g) => !modifiers.includes(g));
    expect(gaps).toEqual([
      'not-enabled endpoint:AuditEvent', 'not-enabled endpoint:Consent', 'not-enabled endpoint:DocumentReference', 'not-enabled endpoint:Provenance',
      'not-enabled interaction:AuditEvent', 'not-enabled interaction:Consent', 'not-enabled interaction:DocumentReference', 'not-enabled interaction:Provenance',
      'not-enabled profile:uz-core-auditevent', 'not-enabled profile:uz-core-consent', 'not-enabled profile:uz-core-provenance',
      'not-loaded terminology:uz-core',
      'unfiltered search:AdverseEvent:date', 'unfiltered search:Condition:onset-date', 'unfiltered search:Immunization:date',
      'unfiltered search:Observation:date', 'unfiltered search:Organization:partof', 'unfiltered search:PlanDefinition:context-type-value',
      'unfiltered search:PlanDefinition:date', 'unfiltered search:Practitioner:qualification-code', 'unfiltered search:Procedure:date',
      'unfiltered search:Procedure:status', 'unfiltered search:Specimen:collected',
    ].sort());
    expect(matrix.targets.playground!.confirmed!.map((c) => c.capability).sort()).toEqual(['search:Condition:recorded-date', 'search:Encounter:date', 'search:EpisodeOfCare:date']);
  });

  test('the embedded target reproduces the playground gaps by default and none when conformant; vendor allows none', () => {
    expect(gapsOf(matrix, 'local')).toEqual(gapsOf(matrix, 'playground'));
    expect(gapsOf(matrix, 'local', 'conformant')).toEqual([]);
    expect(gapsOf(matrix, 'vendor')).toEqual([]);
    expect(gapsOf(matrix, 'production')).toEqual(gapsOf(matrix, 'playground'));
  });
});

describe('a malformed capabilities.json is rejected with the JSON path of every error', () => {
  test.for([
    ['a gap without since', (m: any) => { delete m.targets.playground.gaps[0].since; }, '$.targets.playground.gaps[0].since', 'is required'],
    ['a gap of unknown kind', (m: any) => { m.targets.playground.gaps[1].kind = 'broken'; }, '$.targets.playground.gaps[1].kind', 'must be one of'],
    ['a gap on an unknown capability', (m: any) => { m.targets.playground.gaps[2].capability = 'search:Patient:nope'; }, '$.targets.playground.gaps[2].capability', 'unknown capability id'],
    ['an unknown property', (m: any) => { m.resources[3].searchParams[1].colour = 'red'; }, '$.resources[3].searchParams[1].colour', 'unknown property'],
    ['a bad search param type', (m: any) => { m.resources[0].searchParams[0].type = 'text'; }, '$.resources[0].searchParams[0].type', 'must be one of'],
    ['a duplicate capability id', (m: any) => { m.capabilities.push(m.capabilities[0]); }, `$.capabilities[${JSON.parse(text).capabilities.length}].id`, 'duplicate'],
    ['gapsOf naming nothing', (m: any) => { m.targets.production.gapsOf = 'staging'; }, '$.targets.production', 'gapsOf "staging"'],
    ['a prerequisite that does not exist', (m: any) => { m.capabilities[0].requires = ['auth:nope']; }, '$.capabilities[0].requires[0]', 'unknown capability id "auth:nope"'],
    ['prerequisites in a cycle', (m: any) => { m.capabilities[0].requires = [m.capabilities[1].id]; m.capabilities[1].requires = [m.capabilities[0].id]; }, '$.capabilities[0].requires', 'cycle'],
    ['a gap on an id prefix that names no capability', (m: any) => { m.targets.playground.gaps[2].capability = 'terminology:uz'; }, '$.targets.playground.gaps[2].capability', 'neither an id nor the prefix of one'],
  ] as const)('%s', ([, f, path, words]) => {
    const issues = issuesOf(mutate(f));
    expect(issues).toContainEqual(expect.objectContaining({ path }));
    expect(issues.find((i) => i.path === path)!.message).toContain(words);
  });

  test('every error is reported, not just the first', () => {
    const issues = issuesOf(mutate((m) => { delete m.targets.playground.gaps[0].reason; m.targets.playground.gaps[1].since = 'June'; }));
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['$.targets.playground.gaps[0].reason', '$.targets.playground.gaps[1].since']));
  });

  test('a gap on an id prefix is valid when it names capabilities (a gap covers every <id>:…)', () => {
    expect(() => parseMatrix(mutate((m) => { m.targets.playground.gaps[2].capability = 'terminology:uz-core'; }))).not.toThrow();
  });

  test('text that is not JSON', () => {
    expect(issuesOf('{ "matrixVersion": ')[0]!.message).toMatch(/^not JSON/);
  });
});

test('prerequisitesOf: every prerequisite, nearest first, transitively', () => {
  const m = { capabilities: [
    { id: 'a:1', requires: ['a:2'] }, { id: 'a:2', requires: ['a:3', 'a:4'] }, { id: 'a:3', requires: ['a:4'] }, { id: 'a:4' },
  ] as any[] };
  expect(prerequisitesOf(m, 'a:1')).toEqual(['a:2', 'a:3', 'a:4']);
  expect(prerequisitesOf(m, 'a:4')).toEqual([]);
});

describe('GapBook', () => {
  const book = new GapBook([
    { capability: 'search:Observation:date', kind: 'unfiltered', reason: 'date search unfiltered', since: '2026-06-03' },
    { capability: 'endpoint:AuditEvent', kind: 'not-enabled', reason: 'not enabled yet', since: '2026-06-03' },
    { capability: 'terminology:uz-core', kind: 'not-loaded', reason: 'UZ Core terminology not loaded', since: '2026-06-03' },
  ]);
  test.for([
    ['search:Observation:date', 'unfiltered'],
    ['search:Observation:date:ge', 'unfiltered'],
    ['search:Observation:date-dateTime', undefined],
    ['search:AuditEvent:date', 'not-enabled'],
    ['endpoint:AuditEvent', 'not-enabled'],
    ['endpoint:Observation', undefined],
    ['terminology:uz-core:validate-code:https://terminology.dhp.uz/fhir/core/CodeSystem/education-cs', 'not-loaded'],
    ['terminology:uz-core:expand:https://dhp.uz/fhir/core/ValueSet/nationality-vs', 'not-loaded'],
    ['terminology:international:validate-code:http://loinc.org', undefined],
    ['terminology:uz-coreish:expand:x', undefined],
  ] as const)('%s → %s', ([id, kind]) => {
    expect(book.lookup(id)?.kind).toBe(kind);
  });

  test('where several gaps cover an id, the one that excuses the failure\'s kind', () => {
    const both = new GapBook([
      { capability: 'endpoint:AuditEvent', kind: 'not-enabled', reason: 'not enabled yet', since: '2026-06-03' },
      { capability: 'search:AuditEvent:action:in', kind: 'not-loaded', reason: 'UZ Core terminology not loaded', since: '2026-06-03' },
    ]);
    expect(both.lookup('search:AuditEvent:action:in', 'not-enabled')?.capability).toBe('endpoint:AuditEvent');
    expect(both.lookup('search:AuditEvent:action:in', 'not-loaded')?.capability).toBe('search:AuditEvent:action:in');
    expect(both.lookup('search:AuditEvent:action:in', 'wrong')?.capability).toBe('search:AuditEvent:action:in');
    expect(both.get('endpoint:AuditEvent')?.kind).toBe('not-enabled');
  });
});
