// Self-test: the playground profile reproduces exactly the API access page's unfiltered search rows (and the
// not-enabled endpoints), the search suite reports them as expected gaps, and the "do filter" rows pass. Searches across
// a not-enabled type (_include, _revinclude, chains, _has naming it) are expected gaps too; those across an unfiltered
// param are blocked by it, never failures.
import { expect, test } from 'vitest';
import { loadMatrix } from '../lib/matrix/load.ts';
import { idsWith, runCli } from './support/run-cli.ts';

const UNFILTERED = [
  'search:Observation:date', 'search:Condition:onset-date', 'search:Procedure:date', 'search:Immunization:date',
  'search:Specimen:collected', 'search:AdverseEvent:date', 'search:PlanDefinition:date',
  'search:Practitioner:qualification-code', 'search:Organization:partof', 'search:Procedure:status',
  'search:PlanDefinition:context-type-value',
];
const NOT_ENABLED = ['AuditEvent', 'Consent', 'Provenance', 'DocumentReference'];
const CONFIRMED = ['search:Condition:recorded-date', 'search:Encounter:date', 'search:EpisodeOfCare:date'];
const TYPES = [...new Set([...UNFILTERED, ...CONFIRMED].map((id) => id.split(':')[1]!)), ...NOT_ENABLED];

test('playground profile: exactly the unfiltered rows and the not-enabled endpoints come out expected-gap', async () => {
  const run = await runCli(['run', '--profile', 'playground', '--suite', 'search'], { DHP_SEARCH_TYPES: TYPES.join(',') });
  expect(run.results, run.stderr.slice(-2000)).toBeDefined();
  const { matrix } = loadMatrix();
  // The type whose fixtures plant a capability's resources: the source of a revinclude or _has pair, else the searched type.
  const planter = (id: string) => { const p = id.split(':'); return p[2] === '_revinclude' || (p[2] === '_has' && p[3]) ? p[3]! : p[1]!; };
  const namesNotEnabled = (id: string) => id.split(/[:.]/).some((seg) => NOT_ENABLED.includes(seg));
  const notEnabled = matrix.capabilities
    .filter((c) => c.suite === 'search' && /^search:[A-Z]/.test(c.id) && !c.notTested && TYPES.includes(planter(c.id)) && namesNotEnabled(c.id))
    .map((c) => c.id);
  expect(notEnabled.some((id) => id.includes(':chain:'))).toBe(true);
  expect(notEnabled.filter((id) => id.includes(':_revinclude:')).length).toBeGreaterThan(5);
  // :in/:not-in name UZ Core ValueSets, which the playground has not loaded (AV5): the gap the matrix derives for them.
  const notLoaded = matrix.targets.playground!.gaps!.filter((g) => g.kind === 'not-loaded' && g.capability.startsWith('search:') && TYPES.includes(planter(g.capability))).map((g) => g.capability);
  expect(notLoaded.length).toBeGreaterThan(5);
  const gaps = idsWith(run.results, 'expected-gap').filter((id) => id.startsWith('search:'));
  expect(gaps).toEqual([...new Set([...UNFILTERED, ...notEnabled, ...notLoaded])].sort());
  // What stands on an unfiltered param is blocked by it.
  for (const id of idsWith(run.results, 'blocked')) expect(run.results!.capabilities.find((c) => c.id === id)?.blockedBy, id).toMatch(new RegExp(`^(${UNFILTERED.join('|')})$`));
  expect(idsWith(run.results, 'fail', 'error', 'gap-closed')).toEqual([]);
  for (const id of CONFIRMED) expect(run.results!.capabilities.find((c) => c.id === id)?.verdict, id).toBe('pass');
  // The unfiltered rows fail as "unfiltered" (the gap kind), not as wrong filtering.
  for (const id of UNFILTERED) expect(run.results!.capabilities.find((c) => c.id === id)?.reason, id).toMatch(/unfiltered/);
}, 600_000);
