// The reference server's searchset: _include/_revinclude entries (search.mode include, once, not in total, per page),
// the result controls (_total, _summary=count, _elements) and the include-ignored and platform-expressions faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultName } from './faults.ts';
import { type TestClient, smallMatrix, startTestServer } from './test-support.ts';

type Entry = { resource: { resourceType: string; id: string; meta?: { tag?: { code: string }[] }; [k: string]: unknown }; search: { mode: string } };
const keys = (b: { entry: Entry[] }, mode: string) => b.entry.filter((e) => e.search.mode === mode).map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort();

function matrix() {
  const m = smallMatrix();
  const obs = m.resources.find((r) => r.type === 'Observation')!;
  obs.searchParams.push({ name: 'subject', type: 'reference', expression: 'Observation.subject', expressionSource: 'r5', declaredByServer: true, declaredByIg: true, tier: 'SHALL', capability: 'search:Observation:subject', targets: ['Patient'] });
  const pat = m.resources.find((r) => r.type === 'Patient')!;
  pat.searchParams.push({ ...obs.searchParams.at(-1)!, name: 'organization', expression: 'Patient.managingOrganization', capability: 'search:Patient:organization', targets: ['Organization'] });
  m.resources.push({ ...pat, type: 'Organization', searchParams: pat.searchParams.filter((p) => p.name === '_id') });
  for (const r of m.resources) r.resultParams = ['_include', '_revinclude', '_include:iterate', '_revinclude:iterate'];
  m.resources.find((r) => r.type === 'Patient')!.searchParams.find((x) => x.name === 'family')!.platformExpression = 'Patient.nom';
  return m;
}

async function world(fault?: FaultName): Promise<{ c: TestClient; p: string[]; o: string[] }> {
  const c = await startTestServer({ auth: false, matrix: matrix(), faults: new Map(fault ? [[fault, '']] : []) });
  const p: string[] = [], o: string[] = [];
  const org = (await c.call('POST', '/Organization', { body: { resourceType: 'Organization', name: 'Org' } })).body.id;
  for (const family of ['Alpha', 'Beta']) p.push((await c.call('POST', '/Patient', { body: { resourceType: 'Patient', name: [{ family }], managingOrganization: { reference: `Organization/${org}` } } })).body.id);
  for (const [i, pat] of [p[0], p[0], p[1]].entries()) {
    o.push((await c.call('POST', '/Observation', { body: { resourceType: 'Observation', status: 'final', code: { text: `o${i}` }, subject: { reference: `Patient/${pat}` } } })).body.id);
  }
  return { c, p, o };
}

describe('_include and _revinclude', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => { w = await world(); });
  afterAll(() => w.c.server.close());

  it('_include returns each referenced resource once, with search.mode include, outside total', async () => {
    const res = await w.c.call('GET', '/Observation?_include=Observation:subject');
    expect(res.body.total).toBe(3);
    expect(keys(res.body, 'match')).toHaveLength(3);
    expect(keys(res.body, 'include')).toEqual(w.p.map((id) => `Patient/${id}`).sort());
    expect(res.body.link[0].url).toContain('_include=Observation%3Asubject');
  });

  it('includes on each page what that page\'s matches refer to; the target-type form filters by type', async () => {
    const page = await w.c.call('GET', `/Observation?_id=${w.o[2]}&_include=Observation:subject:Patient&_count=1`);
    expect(keys(page.body, 'include')).toEqual([`Patient/${w.p[1]}`]);
    const none = await w.c.call('GET', `/Observation?_id=${w.o[2]}&_include=Observation:subject:Practitioner`);
    expect(keys(none.body, 'include')).toEqual([]);
  });

  it(':iterate follows the included resources further; without it, only the matches', async () => {
    const q = `/Observation?_id=${w.o[0]}&_include=Observation:subject`;
    const once = await w.c.call('GET', `${q}&_include=Patient:organization`);
    expect(keys(once.body, 'include')).toEqual([`Patient/${w.p[0]}`]);
    const iterated = await w.c.call('GET', `${q}&_include:iterate=Patient:organization`);
    expect(keys(iterated.body, 'include').map((k) => k.split('/')[0])).toEqual(['Organization', 'Patient']);
  });

  it('_revinclude returns the resources that refer to the matches', async () => {
    const res = await w.c.call('GET', `/Patient?_id=${w.p[0]}&_revinclude=Observation:subject`);
    expect(keys(res.body, 'match')).toEqual([`Patient/${w.p[0]}`]);
    expect(keys(res.body, 'include')).toEqual([w.o[0], w.o[1]].map((id) => `Observation/${id}`).sort());
    expect(res.body.total).toBe(1);
  });

  it('_summary=true keeps the summary elements of R5 and marks the resources SUBSETTED', async () => {
    const res = await w.c.call('GET', '/Observation?_summary=true');
    expect(res.body.entry).toHaveLength(3);
    for (const e of res.body.entry as Entry[]) {
      expect(Object.keys(e.resource).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status', 'subject']);
      expect(e.resource.meta?.tag?.map((t) => t.code)).toContain('SUBSETTED');
    }
  });

  it('_total=none, _summary=count and _elements shape the searchset', async () => {
    expect((await w.c.call('GET', '/Observation?_total=none')).body.total).toBeUndefined();
    const count = await w.c.call('GET', '/Observation?_summary=count');
    expect(count.body.total).toBe(3);
    expect(count.body.entry).toEqual([]);
    const el = await w.c.call('GET', '/Observation?_elements=status');
    expect(el.body.entry).toHaveLength(3);
    for (const e of el.body.entry as Entry[]) {
      expect(Object.keys(e.resource).sort()).toEqual(['id', 'meta', 'resourceType', 'status']);
      expect(e.resource.meta?.tag?.map((t) => t.code)).toContain('SUBSETTED');
    }
  });

  it('documents the R5 expression of a param whose platform expression names elements R5 lacks', async () => {
    const cs = await w.c.call('GET', '/metadata');
    const family = cs.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient').searchParam.find((x: { name: string }) => x.name === 'family');
    expect(family.documentation).toMatch(/^expression: Patient\.name\.family/);
  });
});

describe('faults', () => {
  it('include-ignored: no include entries, the directive left out of the self link', async () => {
    const w = await world('include-ignored');
    try {
      const res = await w.c.call('GET', '/Observation?_include=Observation:subject');
      expect(keys(res.body, 'include')).toEqual([]);
      expect(keys(res.body, 'match')).toHaveLength(3);
      expect(res.body.link[0].url).not.toContain('_include');
    } finally { await w.c.server.close(); }
  });

  it('shaping-ignored: _summary, _elements, _sort and _count=0 have no effect', async () => {
    const w = await world('shaping-ignored');
    try {
      expect((await w.c.call('GET', '/Observation?_summary=count')).body.entry).toHaveLength(3);
      expect((await w.c.call('GET', '/Observation?_count=0')).body.entry).toHaveLength(3);
      const el = await w.c.call('GET', '/Observation?_elements=status');
      expect((el.body.entry as Entry[])[0]!.resource.subject).toBeDefined();
    } finally { await w.c.server.close(); }
  });

  it('platform-expressions: the CapabilityStatement documents the platform\'s own expression', async () => {
    const c = await startTestServer({ auth: false, matrix: matrix(), faults: new Map([['platform-expressions', '']]) });
    try {
      const cs = await c.call('GET', '/metadata');
      const family = cs.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient').searchParam.find((x: { name: string }) => x.name === 'family');
      expect(family.documentation).toMatch(/^expression: Patient\.nom/);
    } finally { await c.server.close(); }
  });
});
