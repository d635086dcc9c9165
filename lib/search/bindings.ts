// Token params bound to the IG's terminology: where a UZ Core profile binds the element a token param is planted at
// (plan.where) to a UZ Core ValueSet the harness can expand completely, `:in` and `:not-in` are judged against the
// harness's own expansion (lib/terminology) — never the server's. Read by the matrix builder (capability ids) and the
// planter (the values), so both see the same bindings.
import { igIndex } from '../profiles/ig.ts';
import { catalogue, expandValueSet } from '../terminology/index.ts';

export interface Binding {
  valueSet: string;
  /** Members of the complete expansion, in expansion order. */
  members: { system: string; code: string }[];
}

const cache = new Map<string, Binding | null>();

/** The IG binding of `<type>.<path>` (branch text without ofType), when it names a completely expandable ValueSet of two codes or more. */
export function bindingAt(type: string, where: string | undefined): Binding | undefined {
  if (!where) return undefined;
  const path = where.replace(/\([^)]*\)/g, '');
  const key = `${type}|${path}`;
  if (!cache.has(key)) {
    let found: Binding | null = null;
    for (const profile of igIndex().profiles.filter((p) => p.type === type)) {
      for (const b of profile.bindings.filter((x) => x.path.replace(/\[x\]/g, '') === path)) {
        let expansion;
        try {
          expansion = expandValueSet(b.valueSet);
        } catch {
          continue; // not a ValueSet of the IG: nothing the harness can expand
        }
        if (!expansion.complete || expansion.members.length < 2) continue;
        found = { valueSet: b.valueSet.split('|')[0]!, members: expansion.members.map((m) => ({ system: m.system, code: m.code })) };
        break;
      }
      if (found) break;
    }
    cache.set(key, found);
  }
  return cache.get(key) ?? undefined;
}

/**
 * For :below/:above: a code system of a binding's members that the harness holds completely and that has a hierarchy —
 * a parent with a child, and a third code neither above nor below them.
 */
export function hierarchyOf(binding: Binding): { system: string; parent: string; child: string; other: string } | undefined {
  for (const system of [...new Set(binding.members.map((m) => m.system))]) {
    const cs = catalogue().completeCodeSystem(system);
    if (!cs) continue;
    for (const parent of cs.concepts.keys()) {
      const child = cs.children(parent)[0];
      if (!child) continue;
      const related = new Set([parent, ...cs.descendants(parent), ...cs.ancestors(child)]);
      const other = [...cs.concepts.keys()].find((c) => !related.has(c) && !cs.ancestors(c).has(parent));
      if (other) return { system, parent, child, other };
    }
  }
  return undefined;
}
