// UZ Core profiles (spec/ig): for each profile the target can be written to, its IG examples, each Must Support
// element, its required elements and its meta.profile claim. A capability the matrix marks `notTested` (with the
// reason) has no check here.
import { describe } from 'vitest';
import { checkExamplesAccepted, checkMetaProfile, checkMustSupport, checkRequired, ProfileRun, type ProfileEnv } from '../lib/checks/profiles.ts';
import { ExamplePlanter } from '../lib/profiles/examples.ts';
import { creatableTypes, igIndex, referenceableTypes } from '../lib/profiles/ig.ts';
import { session } from '../lib/run/session.ts';
import { capabilityTest } from '../lib/vitest/capability.ts';
import { deletedAfterAll } from '../lib/vitest/teardown.ts';

const s = session();
const created = deletedAfterAll(s);
// What the matrix lets the harness create, whatever this target's gaps: a type that is not enabled here answers so.
const creatable = creatableTypes(s.matrix.resources);
const env: ProfileEnv = {
  client: s.client, tag: s.ctx.tag, created,
  planter: new ExamplePlanter(s.client, s.ctx.tag, created, creatable),
  creatable,
  referenceable: referenceableTypes(s.matrix),
  notEnabledGap: (id) => s.gaps.lookup(id)?.kind === 'not-enabled',
};
/** The capability, when the matrix has a check for it (not `notTested`). */
const checked = (id: string) => { const c = s.capabilities.get(id); return c && !c.notTested ? c : undefined; };

for (const p of igIndex().profiles) {
  const id = (suffix: string) => `profile:${p.id}:${suffix}`;
  const mustSupport = p.mustSupport.filter((e) => checked(id(`must-support:${e}`)));
  describe(`${p.title} (${p.url})`, () => {
    const run = new ProfileRun(p, env, mustSupport[0] ?? '');
    const test = (suffix: string, check: Parameters<typeof capabilityTest>[2]) => {
      const cap = checked(id(suffix));
      if (cap) capabilityTest(cap.id, cap.title, check, { writes: true });
    };
    test('examples-accepted', (c) => checkExamplesAccepted(p, env, c.note));
    describe('Must Support: each element round-trips unchanged', () => {
      for (const e of mustSupport) capabilityTest(id(`must-support:${e}`), `${e} is stored and read back unchanged`, (c) => checkMustSupport(run, e, c), { writes: true });
    });
    test('required', (c) => checkRequired(run, env, c));
    test('meta-profile', (c) => checkMetaProfile(run, env, c));
  });
}
