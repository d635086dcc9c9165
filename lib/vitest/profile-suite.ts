// Generates the profiles suite from the IG (spec/ig) and the matrix: one describe per UZ Core profile, with its
// examples, each Must Support element, its required elements and its meta.profile claim — skipping what the matrix
// marks `notTested`. Suite files only say which share of the profiles they run (two files: vitest runs them in parallel).
//
// DHP_PROFILES=uz-core-patient,uz-core-observation restricts the suite to those profiles (self-tests, quick local runs).
import { describe } from 'vitest';
import { checkExamplesAccepted, checkMetaProfile, checkMustSupport, checkRequired, ProfileRun, type ProfileEnv } from '../checks/profiles.ts';
import { ExamplePlanter } from '../profiles/examples.ts';
import { creatableTypes, examplesOf, igIndex, referenceableTypes } from '../profiles/ig.ts';
import { session } from '../run/session.ts';
import { capabilityTest, checkedCapability } from './capability.ts';
import { typesOfPart } from './search-suite.ts';
import { deleteAfterAll } from './teardown.ts';
import { CreatedResources } from '../fixtures/teardown.ts';

export function profileSuite(part: number, parts: number): void {
  const s = session();
  const created = new CreatedResources();
  deleteAfterAll(s, created);
  // What the matrix lets the harness create, whatever this target's gaps: a type that is not enabled here answers so.
  const creatable = creatableTypes(s.matrix.resources);
  const env: ProfileEnv = {
    client: s.client, tag: s.ctx.tag, created, creatable, referenceable: referenceableTypes(s.matrix),
    planter: new ExamplePlanter(s.client, s.ctx.tag, created, creatable),
    notEnabledGap: (id) => s.gaps.lookup(id)?.kind === 'not-enabled',
  };
  const checked = (id: string) => checkedCapability(s, id);
  const selected = s.env.profiles ?? undefined;
  const profiles = igIndex().profiles.filter((p) => !selected?.length || selected.includes(p.id));
  const weights = profiles.map((p) => ({ type: p.id, params: p.mustSupport.length + 3 * p.required.length + 10 * examplesOf(p).length }));
  const mine = new Set(typesOfPart(weights, part, parts));

  for (const p of profiles.filter((x) => mine.has(x.id))) {
    const id = (suffix: string) => `profile:${p.id}:${suffix}`;
    const mustSupport = p.mustSupport.filter((e) => checked(id(`must-support:${e}`)));
    // Profiles are independent, and so are a profile's checks (its conforming resource is made once, whoever asks
    // first; IG examples are planted one at a time by the planter): all concurrent.
    describe.concurrent(`${p.title} (${p.url})`, () => {
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
}
