// Composite plans: every component planted on the same node of the base expression, with a decoy that only
// same-node matching tells apart.
import type { SearchParam } from '../matrix/types.ts';
import type { ElementInfo } from './model.ts';
import { branches, Unplantable } from './plant-path.ts';
import { LEAF_TYPES, leafPlan, q } from './plant-leaf.ts';
import { cap, fillRequired, minimalResource } from './plant-required.ts';
import { VARIANTS, type Variant } from './plant-variants.ts';
import { ANY, branchText, locate, refTarget, write } from './plant-write.ts';
import type { ParamPlan, PlantContext, Resolved } from './plant.ts';
import { formatComposite } from './query.ts';

export function compositePlan(base: ParamPlan, type: string, param: SearchParam, expression: string, ctx: PlantContext): ParamPlan {
  const comps = param.components ?? [];
  if (comps.length < 2) throw new Unplantable('composite without components');
  const errors: string[] = [];
  for (const br of branches(expression)) {
    try {
      if (br.root !== type && br.root !== '') throw new Unplantable(`branch starts at ${br.root}`);
      const { chain } = br.steps.length ? locate(type, type, br.steps, ANY) : { chain: [] };
      const last = chain[chain.length - 1];
      const nodeBase = last ? (last.type === 'BackboneElement' || last.type === 'Element' ? last.el.childBase : last.type) : type;
      const nodePath = last ? (last.type === 'BackboneElement' || last.type === 'Element' ? last.el.path : last.type) : type;
      const parts = comps.map((c, i) => {
        if (c.type === ('special' as string)) throw new Unplantable(`component ${c.param} is a special parameter`);
        const cbr = branches(c.expression, true);
        const errs: string[] = [];
        for (const b of cbr) {
          try {
            const loc = locate(nodeBase, nodePath, b.steps, LEAF_TYPES[c.type]);
            const l = loc.chain[loc.chain.length - 1]!;
            return { chain: loc.chain, leaf: leafPlan(c.type, l.type, l.el, { ...ctx, unique: `${ctx.unique}c${i}` }, refTarget(l.step), l.step.refContains) };
          } catch (e) {
            if (!(e instanceof Unplantable)) throw e;
            errs.push(e.message);
          }
        }
        throw new Unplantable(`component ${c.param}: ${errs.join('; ')}`);
      });
      // The decoy shares the first component with the match and differs in the second: only "same node" search tells.
      const pick: Record<Variant, Variant[]> = { match: ['match', 'match'], second: ['second', 'second'], decoy: ['match', 'decoy'] };
      const resources = {} as Record<Variant, Record<string, any>>;
      for (const v of VARIANTS) {
        const r = minimalResource(type, ctx);
        const node: Record<string, unknown> = {};
        parts.forEach((part, i) => write(node, part.chain, part.leaf.values[pick[v][i] ?? 'match'], ctx));
        if (last) write(r, chain, node, ctx);
        else parts.forEach((part, i) => write(r, part.chain, part.leaf.values[pick[v][i] ?? 'match'], ctx));
        if (last) fillCompositeNode(r, chain, ctx);
        resources[v] = r;
      }
      const value = (v: Variant, r: Resolved) => formatComposite(parts.map((p, i) => p.leaf.component(pick[v][i] ?? 'match', r)));
      return {
        ...base, status: 'planned', resources, where: branchText(br), systemDiscriminated: !!parts[parts.length - 1]!.leaf.systemDecoy,
        queries: [q('a$b', (r) => value('match', r)), q('a$b,a$b (OR)', (r) => `${value('match', r)},${value('second', r)}`)],
      };
    } catch (e) {
      if (!(e instanceof Unplantable)) throw e;
      errors.push(e.message);
    }
  }
  throw new Unplantable(errors.join('; '));
}

/** The composite's node was written whole; give it its required children now. */
function fillCompositeNode(r: Record<string, any>, chain: { el: ElementInfo; type: string }[], ctx: PlantContext): void {
  let node: any = r;
  for (const { el, type } of chain) {
    const key = el.choice ? el.name + cap(type) : el.name;
    node = node[key];
    if (Array.isArray(node)) node = node[node.length - 1];
  }
  const last = chain[chain.length - 1]!;
  const backbone = last.type === 'BackboneElement' || last.type === 'Element';
  if (node && typeof node === 'object') fillRequired(node, backbone ? last.el.childBase : last.type, backbone ? last.el.path : last.type, ctx);
}
