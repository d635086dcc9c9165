// The records only the platform writes: the conformant profile holds the IG's example Provenance and its reduced twin
// (real matrix, real HTTP on loopback); the playground, whose Provenance endpoint is not enabled, holds none.
import { describe, expect, it } from 'vitest';
import { loadMatrix } from './index.ts';
import { reducedToRequired } from './platform-records.ts';
import { startTestServer } from './test-support.ts';

describe('records only the platform writes', () => {
  it('reduces an example to resourceType, a suffixed id and the required elements', () => {
    const example = { resourceType: 'Provenance', id: 'x', target: [{ reference: 'Patient/p' }], agent: [{ who: { reference: 'Practitioner/a' } }], activity: { text: 'a' }, meta: { profile: ['u'] } };
    expect(reducedToRequired(example, ['target', 'agent', 'missing'])).toEqual({ resourceType: 'Provenance', id: 'x-required-only', target: example.target, agent: example.agent });
  });

  for (const [profile, expected] of [['conformant', ['example-provenance', 'example-provenance-required-only']], ['playground', null]] as const) {
    it(`${profile}: GET Provenance ${expected ? 'finds the example and its reduced twin' : 'is not enabled'}`, async () => {
      const c = await startTestServer({ auth: false, matrix: loadMatrix(), profile });
      try {
        const res = await c.call('GET', '/Provenance?_count=100');
        if (!expected) return expect(res.status).toBe(404);
        expect(res.status).toBe(200);
        expect(res.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual(expected);
        const activity = await c.call('GET', '/Provenance?activity=http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion|LA');
        expect(activity.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['example-provenance']);
      } finally {
        await c.server.close();
      }
    });
  }
});
