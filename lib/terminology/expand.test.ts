// The harness's own terminology: CodeSystem hierarchies, ValueSet expansion rules (on small hand-made resources, so
// each rule is seen on its own) and the expansions of the IG's own ValueSets that the suite relies on.
import { describe, expect, test } from 'vitest';
import { CodeSystemModel } from './code-system.ts';
import { Expander, type ExpansionSource } from './expand.ts';
import { catalogue, codeSystem, expandValueSet, subsumes } from './index.ts';

const T = 'https://terminology.dhp.uz/fhir/core';
const X = 'http://example.org/cs';

const tree = new CodeSystemModel({
  url: X, content: 'complete', language: 'en',
  property: [{ code: 'up', uri: 'http://hl7.org/fhir/concept-properties#parent' }, { code: 'colour', type: 'Coding' }],
  concept: [
    { code: 'a', display: 'Animal', concept: [{ code: 'a1', display: 'Cat', designation: [{ language: 'uz', value: 'Mushuk' }] }, { code: 'a2', display: 'Dog' }] },
    { code: 'p', display: 'Plant', property: [{ code: 'colour', valueCoding: { system: 'urn:c', code: 'green' } }] },
    { code: 'p1', display: 'Grass', property: [{ code: 'up', valueCode: 'p' }, { code: 'colour', valueCoding: { system: 'urn:c', code: 'green' } }] },
    { code: 'p2', display: 'Rose', property: [{ code: 'up', valueCode: 'p' }, { code: 'colour', valueCoding: { system: 'urn:c', code: 'red' } }] },
  ],
});

describe('CodeSystemModel', () => {
  test('nesting and a parent property (whatever its local code) both make the hierarchy', () => {
    expect(tree.hierarchical).toBe(true);
    expect([...tree.descendants('a')].sort()).toEqual(['a1', 'a2']);
    expect([...tree.ancestors('p2')]).toEqual(['p']);
    expect(tree.children('p').sort()).toEqual(['p1', 'p2']);
  });

  test.for([
    ['a', 'a1', 'subsumes'], ['a1', 'a', 'subsumed-by'], ['a1', 'a1', 'equivalent'], ['a1', 'a2', 'not-subsumed'], ['a', 'p1', 'not-subsumed'],
  ] as const)('$subsumes %s %s → %s', ([a, b, outcome]) => {
    expect(tree.subsumes(a, b)).toBe(outcome);
  });

  test('designations keep their source; Coding properties read as system|code', () => {
    expect(tree.concept('a1')!.designations).toEqual([{ language: 'uz', use: undefined, value: 'Mushuk', source: X }]);
    expect(tree.concept('p1')!.properties).toContainEqual({ code: 'colour', value: 'urn:c|green' });
  });
});

/** A stand-in catalogue: a few ValueSets over `tree`, a supplement and one system known only by mentions. */
function source(valueSets: Record<string, object>): ExpansionSource {
  const supplement = new CodeSystemModel({ url: `${X}-uz`, content: 'supplement', supplements: X, concept: [{ code: 'a2', designation: [{ language: 'uz', value: 'It' }] }] });
  return {
    valueSet: (url: string) => (valueSets[url] ? { url, ...valueSets[url] } : undefined),
    codeSystem: (url: string) => (url === X ? tree : url === supplement.url ? supplement : undefined),
    completeCodeSystem: (url: string) => (url === X ? tree : undefined),
    mentionedCodes: (system: string) => new Map(system === 'http://loinc.org' ? [['1-8', { code: '1-8' }], ['2-6', { code: '2-6' }]] : []),
  } as ExpansionSource;
}
const codes = (e: { members: { code: string }[] }) => e.members.map((m) => m.code).sort();

describe('Expander', () => {
  test('a whole system, minus an enumerated exclude', () => {
    const e = new Expander(source({ vs: { compose: { include: [{ system: X }], exclude: [{ system: X, concept: [{ code: 'a' }] }] } } })).expand('vs');
    expect(codes(e)).toEqual(['a1', 'a2', 'p', 'p1', 'p2']);
    expect(e.complete).toBe(true);
  });

  test.for([
    [{ property: 'concept', op: 'is-a', value: 'a' }, ['a', 'a1', 'a2']],
    [{ property: 'concept', op: 'descendent-of', value: 'a' }, ['a1', 'a2']],
    [{ property: 'concept', op: 'is-not-a', value: 'a' }, ['p', 'p1', 'p2']],
    [{ property: 'concept', op: 'generalizes', value: 'p1' }, ['p', 'p1']],
    [{ property: 'colour', op: '=', value: 'urn:c#green' }, ['p', 'p1']],
    [{ property: 'colour', op: 'in', value: 'urn:c|red,urn:c|green' }, ['p', 'p1', 'p2']],
  ] as const)('filter %j', ([filter, expected]) => {
    const e = new Expander(source({ vs: { compose: { include: [{ system: X, filter: [filter] }] } } })).expand('vs');
    expect(codes(e)).toEqual(expected);
  });

  test('filters of one include are ANDed; a nested ValueSet intersects with the system part', () => {
    const src = source({
      animals: { compose: { include: [{ system: X, filter: [{ property: 'concept', op: 'is-a', value: 'a' }] }] } },
      both: { compose: { include: [{ system: X, concept: [{ code: 'a1' }, { code: 'p1' }], valueSet: ['animals'] }] } },
    });
    expect(codes(new Expander(src).expand('both'))).toEqual(['a1']);
  });

  test('displays and designations: the compose, the CodeSystem and the supplements the ValueSet names', () => {
    const e = new Expander(source({ vs: {
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/valueset-supplement', valueCanonical: `${X}-uz` }],
      compose: { include: [{ system: X, concept: [{ code: 'a1', display: 'Kitty', designation: [{ language: 'ru', value: 'Кошка' }] }, { code: 'a2' }] }] },
    } })).expand('vs');
    const [a1, a2] = e.members;
    expect(a1).toMatchObject({ display: 'Kitty', displayLanguage: 'en' });
    expect(a1!.designations.map((d) => `${d.language}:${d.value}:${d.source}`)).toEqual(['ru:Кошка:valueset', `uz:Mushuk:${X}`]);
    expect(a2!.designations).toEqual([{ language: 'uz', value: 'It', source: `${X}-uz`, use: undefined }]);
    expect(e.supplements).toEqual([`${X}-uz`]);
  });

  test('a system the harness holds only mentions of makes the expansion open, naming what it can', () => {
    const src = source({
      loinc: { compose: { include: [{ system: 'http://loinc.org' }] } },
      snomed: { compose: { include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '404684003' }] }] } },
    });
    const loinc = new Expander(src).expand('loinc');
    expect([loinc.complete, codes(loinc)]).toEqual([false, ['1-8', '2-6']]);
    const snomed = new Expander(src).expand('snomed');
    expect([snomed.complete, codes(snomed)]).toEqual([false, ['404684003']]);
    expect(snomed.open[0]).toMatch(/is-a 404684003/);
  });

  test('a ValueSet that includes itself does not recurse for ever', () => {
    const e = new Expander(source({ loop: { compose: { include: [{ valueSet: ['loop'] }] } } })).expand('loop');
    expect(e.complete).toBe(false);
  });
});

describe('the IG, as the suite sees it', () => {
  test('administrative-gender-vs: the four HL7 codes, with uz/ru designations from the IG supplement', () => {
    const e = expandValueSet(`${T}/ValueSet/administrative-gender-vs`);
    expect(codes(e)).toEqual(['female', 'male', 'other', 'unknown']);
    const male = e.members.find((m) => m.code === 'male')!;
    expect(male.display).toBe('Male');
    expect(male.designations).toContainEqual(expect.objectContaining({ language: 'uz', value: 'erkak', source: `${T}/CodeSystem/administrative-gender-cs` }));
  });

  test('the property filters and exclude of foreign-passport-system-vs over identifier-domain-cs', () => {
    const e = expandValueSet(`${T}/ValueSet/foreign-passport-system-vs`);
    expect(e.complete).toBe(true);
    expect(e.members.length).toBeGreaterThan(0);
    const cs = codeSystem('https://dhp.uz/fhir/core/CodeSystem/identifier-domain-cs')!;
    for (const m of e.members) {
      const props = cs.concept(m.code)!.properties;
      expect(props).toContainEqual({ code: 'idtype', value: 'http://terminology.hl7.org/CodeSystem/v2-0203|PPN' });
      expect(props).not.toContainEqual({ code: 'country', value: 'urn:iso:std:iso:3166|UZ' });
    }
  });

  test('every ValueSet of the IG expands; 155 completely, the rest open on systems the harness holds only in part', () => {
    const all = catalogue().valueSetUrls().map(expandValueSet);
    expect(all).toHaveLength(194);
    expect(all.filter((e) => e.complete)).toHaveLength(155);
    for (const e of all.filter((x) => !x.complete)) expect(e.open.length, e.url).toBeGreaterThan(0);
  });

  test('subsumes() answers for systems held completely, and only for them', () => {
    expect(subsumes(`${T}/CodeSystem/lab-pan-cs`, 'lab-pan-A', 'lab-pan-1')).toBe('subsumes');
    expect(subsumes('http://snomed.info/sct', '404684003', '56717001')).toBeUndefined();
  });
});
