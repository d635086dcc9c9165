// What the profile checks take out or break in a conforming resource: each required element (min ≥ 1) the harness
// can leave out — not one whose absence only moves its entry to another slice — where the data-absent-reason
// extension may stand in for it, and one violation of the profile for the meta.profile check.
import type { Json } from '../fixtures/personas.ts';
import { baseElement, locate, parentId, parseElementId, patternOf, unsliced, type Node } from './elements.ts';
import { differential, type IgProfile } from './ig.ts';
import { DATA_ABSENT_REASON } from './values.ts';
import { expand } from './valuesets.ts';

export interface RequiredCase {
  element: string;
  /** Why leaving it out proves nothing here (absent from the resource, or a slice discriminator). */
  untestable?: string;
  /** The profile lets data-absent-reason stand in for it (a primitive with a data-absent-reason extension slice). */
  dataAbsentReason?: boolean;
}

/** Removes every node of the element (and a primitive's `_name` sibling). */
function removeAll(nodes: Node[]): void {
  for (const n of [...nodes].reverse()) {
    const at = n.holder[n.key];
    if (Array.isArray(at) && n.index !== undefined) {
      at.splice(n.index, 1);
      const sib = n.holder[`_${n.key}`];
      if (Array.isArray(sib)) sib.splice(n.index, 1);
      if (!at.length) delete n.holder[n.key];
    } else {
      delete n.holder[n.key];
      delete n.holder[`_${n.key}`];
    }
  }
}

export function withoutElement(profile: IgProfile, resource: Json, element: string): Json {
  const copy = structuredClone(resource);
  removeAll(locate(differential(profile.file), copy, element));
  return copy;
}

const PRIMITIVE = /^[a-z]/;

export function requiredCases(profile: IgProfile, resource: Json): RequiredCase[] {
  const diff = differential(profile.file);
  const elements = [...new Set([...profile.baseRequired, ...profile.required])];
  return elements.map((element): RequiredCase => {
    if (!locate(diff, resource, element).length) return { element, untestable: 'not in the resource the checks start from (its parent slice or element is not populated)' };
    const steps = parseElementId(element).steps;
    let sliceDepth = -1;
    steps.forEach((s, i) => { if (s.slice && !s.choice && i < steps.length - 1) sliceDepth = i; });
    if (sliceDepth >= 0) {
      // Leaving out a discriminator moves the entry out of its slice: that is another (valid) entry, not a violation.
      const slice = element.split('.').slice(0, sliceDepth + 2).join('.');
      const before = locate(diff, resource, slice).length;
      if (locate(diff, withoutElement(profile, resource, element), slice).length < before) {
        return { element, untestable: `it discriminates the slice ${slice}: without it the entry is simply not that slice` };
      }
    }
    const info = baseElement(element);
    const dar = !!info?.types.every((t) => PRIMITIVE.test(t))
      && [...diff.values()].some((e) => e.type?.[0]?.profile?.[0] === DATA_ABSENT_REASON && (unsliced(e.id) === `${unsliced(element)}.extension`));
    return { element, ...(dar ? { dataAbsentReason: true } : {}) };
  });
}

/** The resource with the element's values replaced by the data-absent-reason extension (`_name: {extension: […]}`). */
export function withDataAbsentReason(profile: IgProfile, resource: Json, element: string): Json {
  const copy = structuredClone(resource);
  for (const n of locate(differential(profile.file), copy, element)) {
    const ext = { extension: [{ url: DATA_ABSENT_REASON, valueCode: 'unknown' }] };
    if (n.index === undefined) {
      delete n.holder[n.key];
      n.holder[`_${n.key}`] = ext;
    } else {
      (n.holder[n.key] as unknown[])[n.index] = null;
      const sib = (n.holder[`_${n.key}`] ??= []) as unknown[];
      while (sib.length <= n.index) sib.push(null);
      sib[n.index] = ext;
    }
  }
  return copy;
}

export interface Violation {
  /** One sentence: what was broken where. */
  description: string;
  element: string;
  apply(resource: Json): Json;
}

export const NOT_A_CODE = 'dhp-conformance-not-a-code';

/**
 * One way the resource breaks the profile: a code outside a required binding the IG defines in full, else a value
 * against a pattern, else a required element left out.
 */
export function violationOf(profile: IgProfile, resource: Json): Violation | undefined {
  const diff = differential(profile.file);
  for (const b of profile.bindings.filter((x) => x.strength === 'required')) {
    const vs = expand(b.valueSet);
    if (!vs?.complete || vs.open.length || !vs.codes.length || b.path.includes(':')) continue;
    const nodes = locate(diff, resource, b.path);
    const n = nodes[0];
    if (!n || (typeof n.value !== 'string' && !(n.value as { coding?: unknown[] })?.coding && !(n.value as { code?: unknown })?.code)) continue;
    return {
      element: b.path,
      description: `${b.path} carries the code "${NOT_A_CODE}", which is not in its required ValueSet ${b.valueSet}`,
      apply: (r) => {
        const copy = structuredClone(r);
        for (const m of locate(diff, copy, b.path)) {
          const v = m.value as Record<string, any>;
          const bad = typeof v === 'string' ? NOT_A_CODE : Array.isArray(v.coding) ? { ...v, coding: v.coding.map((c: object) => ({ ...c, code: NOT_A_CODE })) } : { ...v, code: NOT_A_CODE };
          if (m.index === undefined) m.holder[m.key] = bad; else (m.holder[m.key] as unknown[])[m.index] = bad;
        }
        return copy;
      },
    };
  }
  for (const [id, el] of diff) {
    const pattern = patternOf(el);
    if (typeof pattern !== 'string' || id.endsWith('.url') || id.endsWith('.system')) continue;
    if (!locate(diff, resource, id).length) continue;
    const broken = (r: Json) => {
      const copy = structuredClone(r);
      for (const m of locate(diff, copy, id)) {
        if (m.index === undefined) m.holder[m.key] = `${pattern}-not-the-pattern`; else (m.holder[m.key] as unknown[])[m.index] = `${pattern}-not-the-pattern`;
      }
      return copy;
    };
    // A pattern that discriminates a slice: changing it moves the entry out of the slice, it breaks nothing.
    const slice = parentId(id);
    if (slice.includes(':') && locate(diff, broken(resource), slice).length < locate(diff, resource, slice).length) continue;
    return { element: id, description: `${id} is "${pattern}-not-the-pattern" where the profile fixes "${pattern}"`, apply: broken };
  }
  const omission = requiredCases(profile, resource).find((c) => !c.untestable);
  return omission && { element: omission.element, description: `${omission.element} (min 1) is left out`, apply: (r) => withoutElement(profile, r, omission.element) };
}
