// RESTful interactions (FHIR R5 http.html) for every resource type of the matrix: each interaction the type's
// CapabilityStatement entry declares, judged along one resource's life (create → read → update → vread → history →
// search → delete), each interaction it does not declare checked to be refused; and malformed writes refused.
// DHP_INTERACTION_TYPES=Patient,CodeSystem restricts the per-type checks to those types (self-tests, quick local runs).
import { describe } from 'vitest';
import { INTERACTIONS, ResourceLife, STEPS, checkRefused, type LifeEnv } from '../lib/checks/interactions.ts';
import * as malformed from '../lib/checks/malformed-writes.ts';
import { MinimalResources } from '../lib/fixtures/minimal.ts';
import { session } from '../lib/run/session.ts';
import { writableTypes } from '../lib/search/type-fixtures.ts';
import { capabilityTest } from '../lib/vitest/capability.ts';
import { deleteAfterAll } from '../lib/vitest/teardown.ts';
import { CreatedResources } from '../lib/fixtures/teardown.ts';

const s = session();
const created = new CreatedResources();
deleteAfterAll(s, created);
const creatable = new Set([...writableTypes(s.matrix, s.gaps)].filter(([, how]) => how === 'POST' || how === 'reuse, else POST').map(([type]) => type));
const minimal = new MinimalResources(s.client, creatable, s.ctx.tag, created, s.draw('interactions:minimal'));
// Ids the harness chooses carry the run's id (never collide across runs) and a value of the run's seed.
const salt = s.ctx.runId.replace(/[^A-Za-z0-9]/g, '').slice(-8);
const env: LifeEnv = {
  client: s.client, tag: s.ctx.tag, created, make: (t) => minimal.of(t),
  freshId: (label) => `dhpc-${salt}-${s.draw(label).hex(4)}`,
  notEnabledGap: (id) => s.gaps.lookup(id)?.kind === 'not-enabled',
};
const title = (id: string) => s.capabilities.get(id)?.title ?? id;
const selected = s.env.interactionTypes ?? undefined;

// Types are independent of one another: concurrent. A type's checks follow one resource's life, so they run in order.
describe.concurrent('Each interaction a type declares works as FHIR R5 http.html says; each it does not declare is refused', () => {
  for (const r of s.matrix.resources.filter((x) => !selected?.length || selected.includes(x.type))) {
    describe.concurrent(r.type, () => {
      const life = new ResourceLife(r.type, new Set(r.interactions), env);
      for (const code of INTERACTIONS) {
        const id = r.interactions.includes(code) ? `interaction:${r.type}:${code}` : `interaction:${r.type}:${code}:refused`;
        const check = r.interactions.includes(code) ? STEPS[code] : (l: ResourceLife, e: LifeEnv, c: Parameters<typeof checkRefused>[2]) => checkRefused(l, e, c, code);
        capabilityTest(id, title(id), (c) => check(life, env, c), { writes: true, sequential: true });
      }
    });
  }
});

describe.concurrent('A malformed write is refused with a 4xx OperationOutcome and changes nothing', () => {
  capabilityTest('interaction:invalid-json', title('interaction:invalid-json'), () => malformed.checkInvalidJson(env), { writes: true });
  capabilityTest('interaction:wrong-resource-type', title('interaction:wrong-resource-type'), () => malformed.checkWrongResourceType(env), { writes: true });
  capabilityTest('interaction:id-mismatch', title('interaction:id-mismatch'), () => malformed.checkIdMismatch(env), { writes: true });
  capabilityTest('interaction:unsupported-content-type', title('interaction:unsupported-content-type'), () => malformed.checkUnsupportedContentType(env), { writes: true });
  capabilityTest('interaction:body-too-large', title('interaction:body-too-large'), (c) => malformed.checkBodyTooLarge(env, c, s.env.bodyProbeMb), { writes: true, timeout: 180_000 });
});
