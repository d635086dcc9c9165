// The records only the platform writes: the conformant profile holds the IG's example Provenance and its reduced twin
// (real matrix, real HTTP on loopback); the playground, whose Provenance endpoint is not enabled, holds none.
import { describe, expect, it } from 'vitest';
import { loadMatrix } from './index.ts';
import { reducedToRequired } from './platform-records.ts';
import { startTestServer } from './test-support.ts';

describe('records only the platform writes', () => {
  it('reduces an example to resourceType, a suffixed id and what R5 requires, backbone elements included', () => {
    const example = {
      resourceType: 'Provenance', id: 'x', meta: { profile: ['u'] }, target: [{ reference: 'Patient/p' }], activity: { text: 'a' },
      agent: [{ type: { text: 'author' }, who: { reference: 'Practitioner/a', display: 'A' } }, { who: { reference: 'Device/d' }, role: [{ text: 'r' }] }],
    };
    expect(reducedToRequired(example)).toEqual({
      resourceType: 'Provenance', id: 'x-required-only', target: example.target,
      agent: [{ who: { reference: 'Practitioner/a', display: 'A' } }, { who: { reference: 'Device/d' } }],
    });
  });

  for (const [profile, expected] of [['conformant', ['example-provenance', 'example-provenance-required-only']], ['playground', null]] as const) {
    it(`${profile}: GET Provenance ${expected ? 'finds the example and its reduced twin' : 'is not enabled'}`, async () => {
      const c = await startTestServer({ auth: false, matrix: loadMatrix(), profile });
      try {
        const res = await c.call('GET', '/Provenance?_count=100');
        if (!expected) return expect(res.status).toBe(404);
        expect(res.status).toBe(200);
        expect(res.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual(expected);
        for (const query of ['activity=http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion|LA', 'agent-type=author']) {
          const found = await c.call('GET', `/Provenance?${query}`);
          expect(found.body.entry.map((e: { resource: { id: string } }) => e.resource.id), query).toEqual(['example-provenance']);
        }
      } finally {
        await c.server.close();
      }
    });
  }
});
