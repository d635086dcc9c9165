// Which elements a search expression names that R5 does not have: a platform CapabilityStatement whose expression for
// `Claim:subject` reads `Claim.subject` (R4's name; R5 has `Claim.patient`) is a finding on that CapabilityStatement
// (`matrix:expression-valid:<Type>:<param>`), and the matrix judges the R5 base expression instead.
import { child, isKnownType } from './model.ts';
import { pathBranches } from './plant-path.ts';

/** `Type.path`s of `expression` the R5 model lacks; [] when every branch exists in R5 or the expression is not a path. */
export function nonR5Elements(expression: string, type: string): string[] {
  const parsed = pathBranches(expression);
  if (!parsed) return [];
  const out = new Set<string>();
  for (const br of parsed) {
    const root = br.root || type;
    if (root === 'Resource' || root === 'DomainResource') continue;
    if (!isKnownType(root)) { out.add(root); continue; }
    let base = root, path = root, shown = root;
    for (const step of br.steps) {
      shown += `.${step.name}`;
      const el = child(base, path, step.name);
      if (!el) { out.add(shown); break; }
      const t = step.ofType ? el.types.find((x) => x.toLowerCase() === step.ofType!.toLowerCase()) ?? step.ofType : el.types[0];
      if (!t || !/^[A-Z]/.test(t) || !isKnownType(t) && t !== 'BackboneElement' && t !== 'Element') break;
      const backbone = t === 'BackboneElement' || t === 'Element';
      base = backbone ? el.childBase : t;
      path = backbone ? el.path : t;
    }
  }
  return [...out];
}
