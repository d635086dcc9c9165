// The profile capabilities of the matrix, from the IG as data (spec/ig): per UZ Core profile, its examples accepted,
// each Must Support element round-tripped, its required elements enforced and its meta.profile claim honoured. What
// the harness cannot check carries a `notTested` reason computed here (the same builders the suite uses), so the
// matrix says so instead of a check passing vacuously.
import type { Capability, Matrix, ResourceCapability } from '../../lib/matrix/types.ts';
import { examplesToCheck } from '../../lib/checks/profiles.ts';
import { creatableTypes, igIndex, IG_DIR, referenceableTypes, type IgProfile } from '../../lib/profiles/ig.ts';
import { mustSupportResource } from '../../lib/profiles/must-support.ts';
import { requiredCases, violationOf } from '../../lib/profiles/violations.ts';
import { readManifest } from '../../lib/spec/files.ts';

/** The profile ids of the IG for one resource type (the availability table's rows name types, gaps name profiles). */
export function profileIdsOf(type: string): string[] {
  return igIndex().profiles.filter((p) => p.type === type).map((p) => p.id);
}

/** Why no profile check can write this profile's type, if none can. */
function unwritable(p: IgProfile, resources: readonly ResourceCapability[]): string | undefined {
  const r = resources.find((x) => x.type === p.type);
  if (!r) return `neither CapabilityStatement declares ${p.type}: there is no endpoint to write a ${p.title} to`;
  if (!r.interactions.includes('create')) return `the CapabilityStatement declares no create for ${p.type}: the harness does not write a ${p.title}`;
  return undefined;
}

export function profileCapabilities(resources: ResourceCapability[], targets: Matrix['targets']): Capability[] {
  const creatable = creatableTypes(resources);
  const referenceable = referenceableTypes({ resources, targets });
  return igIndex().profiles.flatMap((p): Capability[] => {
    const source = `UZ Core StructureDefinition ${p.id} (spec/${IG_DIR}/resources/${p.file})`;
    const blocked = unwritable(p, resources);
    const cap = (suffix: string, title: string, notTested?: string): Capability => ({
      id: `profile:${p.id}:${suffix}`, tier: 'SHALL', suite: 'profiles', title, source,
      ...((blocked ?? notTested) ? { notTested: blocked ?? notTested } : {}),
    });
    const examples = examplesToCheck(p, creatable);
    const ms = mustSupportResource(p, referenceable);
    const required = requiredCases(p, ms.resource);
    const testable = required.filter((c) => !c.untestable);
    const violation = violationOf(p, ms.resource);
    return [
      cap('examples-accepted', `Each IG example of ${p.title} (${examples.keys.join(', ') || 'none'}) is accepted and reads back unchanged apart from id and meta`,
        examples.keys.length ? undefined : examples.skipped.length ? `no IG example of ${p.title} can be written: ${examples.skipped.join('; ')}` : `the IG has no example claiming ${p.title}`),
      cap('meta-profile', `A resource claiming ${p.title} in meta.profile that violates it is refused with a 4xx OperationOutcome; one that conforms is accepted`,
        violation ? undefined : `the harness finds no way to break ${p.title} in its Must Support resource`),
      cap('required', `Leaving out a required element of ${p.title} (${testable.map((c) => c.element).join(', ') || 'none'}) is refused with a 4xx OperationOutcome naming it; data-absent-reason is accepted where the profile allows it`,
        testable.length ? undefined : `no required element of ${p.title} can be left out here: ${required.map((c) => `${c.element} (${c.untestable})`).join('; ') || 'the profile requires none'}`),
      ...p.mustSupport.map((e) => cap(`must-support:${e}`, `${e} (Must Support in ${p.title}) is stored and read back unchanged`, ms.notPopulated.get(e) && `the harness cannot populate it: ${ms.notPopulated.get(e)}`)),
    ];
  });
}

/** Which IG the profile capabilities come from: version, source commit and the sha256 of its index. */
export function igProvenance(): Record<string, string> {
  const { source } = igIndex();
  const sha = readManifest().files.find((f) => f.path === `${IG_DIR}/index.json`)?.sha256 ?? 'unknown';
  return { ig: `spec/${IG_DIR}/index.json: ${source.igId} ${source.igVersion}, ${source.repo}@${source.commit}; index.json sha256 ${sha}` };
}
