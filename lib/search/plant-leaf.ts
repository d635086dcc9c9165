// Leaf values per search-parameter type: the match/second/decoy values a leaf element gets, the labelled queries
// that tell them apart, and each value's form as a composite component.
import type { SearchParamType } from '../matrix/types.ts';
import { codesOf, type ElementInfo } from './model.ts';
import { Unplantable } from './plant-path.ts';
import { digits } from './plant-required.ts';
import type { Variant } from './plant-variants.ts';
import type { PlantContext, Resolved, SubQuery } from './plant.ts';

const UCUM = 'http://unitsofmeasure.org';
const DATES: Record<Variant, string> = { decoy: '2001-02-03T04:05:06Z', match: '2011-05-06T07:08:09Z', second: '2016-07-08T09:10:11Z' };
const DAYS: Record<Variant, string> = { decoy: '2001-02-03', match: '2011-05-06', second: '2016-07-08' };
const QTY: Record<Variant, number> = { decoy: 2.1, match: 5.4, second: 7.5 };
const NUM: Record<Variant, number> = { decoy: 3, match: 11, second: 22 };

interface LeafPlan {
  values: Record<Variant, unknown>;
  /** Token leaf with a system: the decoy has the match's code under another system. */
  systemDecoy?: boolean;
  queries: SubQuery[];
  /** The value of one variant as a composite component (`S|c`, `5.4|ucum|mg`, `2011-05-06`…). */
  component(v: Variant, r: Resolved): string;
}

export const LEAF_TYPES: Record<Exclude<SearchParamType, 'composite' | 'special'>, readonly string[]> = {
  token: ['CodeableConcept', 'Coding', 'Identifier', 'ContactPoint', 'code', 'string', 'id', 'uri', 'boolean', 'CodeableReference', 'canonical'],
  string: ['string', 'markdown', 'HumanName', 'Address'],
  date: ['dateTime', 'date', 'instant', 'Period', 'Timing'],
  reference: ['Reference', 'canonical', 'CodeableReference', 'uri', 'url', 'string'],
  uri: ['uri', 'url', 'canonical', 'oid', 'uuid'],
  quantity: ['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity', 'Money', 'Range'],
  number: ['decimal', 'integer', 'positiveInt', 'unsignedInt', 'integer64'],
};

export const q = (label: string, value: (r: Resolved) => string, modifier?: string): SubQuery => ({ label, value, modifier });
const esc = (s: string) => s.replace(/[\\,$|]/g, (c) => `\\${c}`);

export function leafPlan(ptype: SearchParamType, leaf: string, el: ElementInfo, ctx: PlantContext, refType?: string, refContains?: string): LeafPlan {
  const u = ctx.unique;
  switch (ptype) {
    case 'token': {
      if (leaf === 'boolean') {
        const values = { match: true, second: true, decoy: false };
        return { values, queries: [q('true', () => 'true'), q(':not=true', () => 'true', 'not')], component: (v) => String(values[v]) };
      }
      const withSystem = ['CodeableConcept', 'Coding', 'Identifier', 'CodeableReference'].includes(leaf);
      if (withSystem) {
        const s1 = `https://dhp-conformance.test/cs/${u}`, s2 = `https://dhp-conformance.test/cs/${u}-other`;
        const c1 = `m${u}`, c2 = `s${u}`;
        const pairs: Record<Variant, { system?: string; code: string }> = { match: { system: s1, code: c1 }, second: { code: c2 }, decoy: { system: s2, code: c1 } };
        const make = (p: { system?: string; code: string }): unknown => {
          if (leaf === 'Identifier') return { ...(p.system ? { system: p.system } : {}), value: p.code };
          const coding = { ...(p.system ? { system: p.system } : {}), code: p.code };
          if (leaf === 'Coding') return coding;
          if (leaf === 'CodeableReference') return { concept: { coding: [coding] } };
          return { coding: [coding] };
        };
        return {
          systemDecoy: true,
          values: { match: make(pairs.match), second: make(pairs.second), decoy: make(pairs.decoy) },
          queries: [
            q('system|code', () => `${esc(s1)}|${esc(c1)}`),
            q('system|code,|code (OR)', () => `${esc(s1)}|${esc(c1)},|${esc(c2)}`),
            q('code without system', () => esc(c1)),
            q('|code (no system)', () => `|${esc(c2)}`),
            q('system|', () => `${esc(s1)}|`),
            q(':not=system|code', () => `${esc(s1)}|${esc(c1)}`, 'not'),
          ],
          component: (v) => (v === 'second' ? `|${esc(c2)}` : `${esc(s1)}|${esc(c1)}`),
        };
      }
      const bound = leaf === 'code' ? codesOf(el.requiredValueSet).map((c) => c.code) : [];
      // codes[0] is what required-element filling writes; the planted values avoid it.
      const codes: Record<Variant, string> = bound.length >= 4 && new Set(bound.slice(1, 4)).size === 3
        ? { match: bound[1]!, second: bound[2]!, decoy: bound[3]! }
        : { match: `m${u}`, second: `s${u}`, decoy: `d${u}` };
      const mk = (c: string): unknown => (leaf === 'ContactPoint' ? { system: 'other', value: c } : leaf === 'uri' || leaf === 'canonical' ? `http://example.org/${c}` : c);
      const vals = { match: mk(codes.match), second: mk(codes.second), decoy: mk(codes.decoy) };
      const text = (v: Variant) => esc(leaf === 'uri' || leaf === 'canonical' ? `http://example.org/${codes[v]}` : codes[v]);
      return {
        values: vals,
        queries: [q('code', () => text('match')), q('code,code (OR)', () => `${text('match')},${text('second')}`), q(':not=code', () => text('match'), 'not')],
        component: (v) => text(v),
      };
    }
    case 'string': {
      const vals: Record<Variant, string> = { match: `Zm${u}Alpha`, second: `Zs${u}Beta`, decoy: `Zd${u}Gamma` };
      const mk = (s: string): unknown => (leaf === 'HumanName' ? { family: s } : leaf === 'Address' ? { city: s } : s);
      return {
        values: { match: mk(vals.match), second: mk(vals.second), decoy: mk(vals.decoy) },
        queries: [
          q('prefix, any case', () => `zm${u}`),
          q('prefix,prefix (OR)', () => `zm${u},zs${u}`),
          q(':exact', () => vals.match, 'exact'),
          q(':contains', () => `${u}alph`.toLowerCase(), 'contains'),
        ],
        component: (v) => (v === 'match' ? `zm${u}` : v === 'second' ? `zs${u}` : `zd${u}`),
      };
    }
    case 'date': {
      const src = leaf === 'date' ? DAYS : DATES;
      const mk = (s: string): unknown => (leaf === 'Period' ? { start: s, end: s } : leaf === 'Timing' ? { event: [s] } : s);
      const exact = src.match;
      return {
        values: { match: mk(src.match), second: mk(src.second), decoy: mk(src.decoy) },
        queries: [
          q('eq day', () => DAYS.match),
          q('day,day (OR)', () => `${DAYS.match},${DAYS.second}`),
          ...(['gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const).map((p) => q(p, () => `${p}${exact}`)),
        ],
        component: (v) => DAYS[v],
      };
    }
    case 'reference': {
      if (leaf === 'Reference' || leaf === 'CodeableReference' || leaf === 'string') {
        const targets = refType ? [refType] : el.targets.length ? el.targets : [];
        // `where(reference.contains('/Patient'))` cannot hold for a relative `Patient/id`: plant absolute (external) references.
        const external = refContains !== undefined && refType !== undefined && !`${refType}/x`.includes(refContains);
        const ph: Record<Variant, string> = external
          ? { match: `https://dhp-conformance.test/fhir/${refType}/m${u}`, second: `https://dhp-conformance.test/fhir/${refType}/s${u}`, decoy: `https://dhp-conformance.test/fhir/${refType}/d${u}` }
          : { match: ctx.target(targets, 0), second: ctx.target(targets, 1), decoy: ctx.target(targets, 2) };
        const mk = (p: string): unknown => (leaf === 'CodeableReference' ? { reference: { reference: p } } : leaf === 'string' ? p : { reference: p });
        return {
          values: { match: mk(ph.match), second: mk(ph.second), decoy: mk(ph.decoy) },
          queries: [
            q('Type/id', (r) => r.ref(ph.match)),
            q('Type/id,Type/id (OR)', (r) => `${r.ref(ph.match)},${r.ref(ph.second)}`),
            q('id', (r) => r.ref(ph.match).split('/').pop()!),
          ],
          component: (v, r) => r.ref(ph[v]),
        };
      }
      const urls: Record<Variant, string> = {
        match: `http://example.org/fhir/StructureDefinition/m${u}`, second: `http://example.org/fhir/StructureDefinition/s${u}`, decoy: `http://example.org/fhir/StructureDefinition/d${u}`,
      };
      return {
        values: urls,
        queries: [q('canonical url', () => urls.match), q('url,url (OR)', () => `${urls.match},${urls.second}`)],
        component: (v) => urls[v],
      };
    }
    case 'uri': {
      const hier = leaf === 'uri' || leaf === 'url' || leaf === 'canonical';
      const vals: Record<Variant, string> = hier
        ? { match: `http://example.org/fhir/${u}/m/x`, second: `http://example.org/fhir/${u}/s/x`, decoy: `http://example.org/fhir/${u}/d/x` }
        : leaf === 'oid' ? { match: `urn:oid:1.2.${digits(u, 6)}.1`, second: `urn:oid:1.2.${digits(u, 6)}.2`, decoy: `urn:oid:1.2.${digits(u, 6)}.3` }
          : { match: `urn:uuid:${uuidish(u, '1')}`, second: `urn:uuid:${uuidish(u, '2')}`, decoy: `urn:uuid:${uuidish(u, '3')}` };
      return {
        values: vals,
        queries: [
          q('exact', () => vals.match),
          q('uri,uri (OR)', () => `${vals.match},${vals.second}`),
          ...(hier ? [q(':below', () => `http://example.org/fhir/${u}/m`, 'below'), q(':above', () => `${vals.match}/y`, 'above')] : []),
        ],
        component: (v) => vals[v],
      };
    }
    case 'quantity': {
      if (leaf === 'Money') {
        const mk = (n: number) => ({ value: n, currency: 'UZS' });
        return {
          values: { match: mk(QTY.match), second: mk(QTY.second), decoy: mk(QTY.decoy) },
          queries: [q('number', () => `${QTY.match}`), q('number,number (OR)', () => `${QTY.match},${QTY.second}`), q('gt', () => `gt${QTY.match}`), q('lt', () => `lt${QTY.match}`)],
          component: (v) => `${QTY[v]}`,
        };
      }
      const q1 = (n: number) => ({ value: n, unit: 'mg', system: UCUM, code: 'mg' });
      // A Range planted as [n, n]: the quantity search's range semantics then reduce to the value's.
      const mk = (n: number) => (leaf === 'Range' ? { low: q1(n), high: q1(n) } : q1(n));
      const full = (v: Variant, p = '') => `${p}${QTY[v]}|${UCUM}|mg`;
      return {
        values: { match: mk(QTY.match), second: mk(QTY.second), decoy: mk(QTY.decoy) },
        queries: [
          q('number|system|code', () => full('match')),
          q('number only', () => `${QTY.match}`),
          q('number||code', () => `${QTY.match}||mg`),
          q('OR', () => `${full('match')},${full('second')}`),
          ...(['gt', 'lt', 'ge', 'le'] as const).map((p) => q(p, () => full('match', p))),
        ],
        component: (v) => full(v),
      };
    }
    case 'number': {
      const values = { match: NUM.match, second: NUM.second, decoy: NUM.decoy };
      return {
        values,
        queries: [q('number', () => `${NUM.match}`), q('OR', () => `${NUM.match},${NUM.second}`), q('gt', () => `gt${NUM.match}`), q('lt', () => `lt${NUM.match}`)],
        component: (v) => `${NUM[v]}`,
      };
    }
  }
  throw new Unplantable(`no values for ${ptype}`);
}

function uuidish(seed: string, last: string): string {
  const d = digits(seed, 12);
  return `00000000-0000-4000-8000-${d.slice(0, 11)}${last}`;
}
