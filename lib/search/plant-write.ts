// Walks a search parameter's FHIRPath branch through the R5 model and writes a value where it looks, creating the
// elements on the way (with their required children).
import { child, isKnownType, type ElementInfo } from './model.ts';
import { Unplantable, type Branch, type Step } from './plant-path.ts';
import { cap, fillRequired } from './plant-required.ts';
import type { PlantContext } from './plant.ts';

/** Accept any type at the leaf (a composite's base node). */
export const ANY: readonly string[] = [];

/** Finds where the branch's last step goes, choosing types the param type can hold at the leaf. No writing. */
export function locate(base: string, path: string, steps: Step[], accept: readonly string[]): { chain: { el: ElementInfo; type: string; step: Step }[] } {
  const chain: { el: ElementInfo; type: string; step: Step }[] = [];
  let b = base, p = path;
  steps.forEach((step, i) => {
    const el = child(b, p, step.name);
    if (!el) throw new Unplantable(`${p}.${step.name} is not an R5 element`);
    const leaf = i === steps.length - 1;
    let type: string | undefined;
    if (step.ofType) {
      type = el.types.find((t) => t.toLowerCase() === step.ofType!.toLowerCase());
      // `entry.resource.ofType(Composition)`: a contained/embedded resource of that type.
      if (!type && el.types.includes('Resource') && isKnownType(step.ofType) && /^[A-Z]/.test(step.ofType)) type = step.ofType;
      if (!type) throw new Unplantable(`${el.path} cannot be ${step.ofType}`);
    } else if (leaf && accept !== ANY) {
      type = accept.find((t) => el.types.includes(t));
    } else {
      type = el.types[0];
    }
    if (!type) throw new Unplantable(`${el.path} (${el.types.join('|')}) holds no ${leaf ? accept.join('/') : 'value'}`);
    if (leaf && accept !== ANY && !accept.includes(type)) throw new Unplantable(`${el.path} is ${type}, not one of ${accept.join('/')}`);
    chain.push({ el, type, step });
    const backbone = type === 'BackboneElement' || type === 'Element';
    b = backbone ? el.childBase : type;
    p = backbone ? el.path : type;
  });
  return { chain };
}

/** Writes `value` at the end of the chain inside `root` (new repeated elements each time, so where-filters hold). */
export function write(root: Record<string, unknown>, chain: { el: ElementInfo; type: string; step: Step }[], value: unknown, ctx: PlantContext): Record<string, unknown> {
  let node = root;
  chain.forEach(({ el, type, step }, i) => {
    const key = el.choice ? el.name + cap(type) : el.name;
    if (el.choice) for (const k of Object.keys(node)) if (k !== key && k.startsWith(el.name) && /^[A-Z]/.test(k.slice(el.name.length))) delete node[k];
    const leaf = i === chain.length - 1;
    if (leaf) {
      let v = value;
      if (step.equals && v && typeof v === 'object') v = { ...(v as object), ...Object.fromEntries(step.equals.map((e) => [e.field, e.value])) };
      if (el.repeats) node[key] = [...((node[key] as unknown[]) ?? []), v];
      else node[key] = v;
      return;
    }
    const backbone = type === 'BackboneElement' || type === 'Element';
    const nb = backbone ? el.childBase : type, np = backbone ? el.path : type;
    let next: Record<string, unknown>;
    if (el.repeats) {
      next = {};
      node[key] = [...((node[key] as unknown[]) ?? []), next];
    } else {
      next = (node[key] as Record<string, unknown>) ?? {};
      node[key] = next;
    }
    if (el.types.includes('Resource') && /^[A-Z]/.test(type) && !el.types.includes(type)) next.resourceType = type;
    for (const e of step.equals ?? []) next[e.field] = e.value;
    // Any value makes the extension exist; a boolean is the simplest one (and isSubject's own type).
    if (step.extension) next.extension = [...((next.extension as unknown[]) ?? []), { url: step.extension, valueBoolean: true }];
    // Fill the new node's required children, except the one the path continues into.
    const skip = chain[i + 1]!.el.name;
    const placeholder = skip in next ? undefined : '__skip__';
    if (placeholder) next[skip] = placeholder;
    fillRequired(next, nb, np, ctx);
    if (next[skip] === placeholder) delete next[skip];
    node = next;
  });
  return root;
}

export function refTarget(step: Step): string | undefined {
  if (step.refType) return step.refType;
  const m = step.refContains && /([A-Z][A-Za-z]+)/.exec(step.refContains);
  return m ? m[1] : undefined;
}

export function branchText(br: Branch): string {
  return [br.root ?? '', ...br.steps.map((s) => s.name + (s.ofType ? `(${s.ofType})` : ''))].filter(Boolean).join('.');
}
