// Advisory (SHOULD): the Uzbek Latin letters oʻ and gʻ (and the tutuq belgisi) are written with U+02BB ʻ, but people
// type ʼ ' ‘ ’ ` as well; a search for one shape should find the others. Neither R5 nor the platform's API access page
// states this, so it is a capability of its own (search:string-uzbek-apostrophes) and never a condition of a
// parameter's verdict: the oracle's string folding (string.ts) has no apostrophe rule.
import type { FhirClient } from '../client/http.ts';
import { tagQuery } from '../fixtures/run-tag.ts';
import { Blocked, CheckFailure } from '../verdicts.ts';
import type { ShapeFixture } from './shape.ts';

const OFFICIAL_APOSTROPHE = '\u02BB';
/** The shapes typed for ʻ: ʼ U+02BC, ' U+0027, ‘ U+2018, ’ U+2019, ` U+0060. */
const OTHER_APOSTROPHES = ['\u02BC', "'", '\u2018', '\u2019', '`'] as const;

/** The family name the shape fixture plants on one Patient: two apostrophe letters, unique to the run. */
export function uzbekFamily(unique: string): string {
  return `Oʻgʻiloy${unique.replace(/[^A-Za-z0-9]/g, '').slice(-8).toLowerCase()}`;
}

export async function checkUzbekApostrophes(c: FhirClient, f: ShapeFixture): Promise<void> {
  const { id, family } = f.apostrophe;
  const ids = async (value: string) => {
    const res = await c.search('Patient', [['_tag', tagQuery(f.tag)], ['family', value]], { accept: 'any' });
    if (res.status !== 200) return `${res.status}`;
    return ((res.body?.entry ?? []) as { resource?: { id?: string } }[]).map((e) => e.resource?.id).sort().join(',');
  };
  const control = await ids(family);
  if (control !== id) throw new Blocked('search:Patient:family', `Patient?family=${family} (the name as planted) returned [${control}], expected [${id}]: family search itself does not work here`);
  const unequal: string[] = [];
  for (const shape of OTHER_APOSTROPHES) {
    const value = family.split(OFFICIAL_APOSTROPHE).join(shape);
    const got = await ids(value);
    if (got !== id) unequal.push(`family=${value} (U+${shape.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) returned [${got}]`);
  }
  if (unequal.length) {
    throw new CheckFailure(`the Patient with family ${family} (U+02BB) is not found when the apostrophe is typed otherwise: ${unequal.join('; ')}`, 'wrong');
  }
}
