// What this server instance offers: the matrix seen through a profile's expected gaps (never a hard-coded list).
import type { ExpectedGap, GapKind, Matrix, ResourceCapability, TargetConfig } from '../lib/matrix/types.ts';
import { notAllowed, notSupported } from './outcomes.ts';

export type Profile = 'conformant' | 'playground';
export const PROFILES: readonly Profile[] = ['conformant', 'playground'];

export interface Capabilities {
  readonly matrix: Matrix;
  readonly profile: Profile;
  readonly gaps: readonly ExpectedGap[];
  /** 'Type:name' search params the engine must leave unapplied. */
  readonly unfiltered: ReadonlySet<string>;
  /** The type's capability, or a 404/405 FhirError when this instance does not offer it. */
  require(type: string, interaction?: string): ResourceCapability;
  /** Enabled types, in matrix order. */
  enabledResources(): ResourceCapability[];
  /** True when a gap of that kind covers the capability id (a gap also covers its sub-capabilities). */
  hasGap(capability: string, kind: GapKind): boolean;
}

/**
 * The embedded target names, per profile, whose gaps it reproduces; a target may borrow another's list via gapsOf.
 * Without such a declaration the playground profile reproduces the `playground` target.
 */
function gapsForProfile(matrix: Matrix, profile: Profile): ExpectedGap[] {
  const embedded = Object.values(matrix.targets ?? {}).find((t) => t.embedded && t.profiles?.[profile]);
  let name: string | null = embedded ? embedded.profiles![profile].gapsOf : profile === 'playground' ? 'playground' : null;
  const seen = new Set<string>();
  while (name && !seen.has(name)) {
    seen.add(name);
    const target: TargetConfig | undefined = matrix.targets?.[name];
    if (!target) return [];
    if (target.gaps) return target.gaps;
    name = target.gapsOf ?? null;
  }
  return [];
}

function covers(gap: ExpectedGap, capability: string): boolean {
  return capability === gap.capability || capability.startsWith(`${gap.capability}:`);
}

export function capabilitiesFor(matrix: Matrix, profile: Profile): Capabilities {
  const gaps = gapsForProfile(matrix, profile);
  const hasGap = (capability: string, kind: GapKind) => gaps.some((g) => g.kind === kind && covers(g, capability));
  const byType = new Map(matrix.resources.map((r) => [r.type, r]));
  const enabled = (type: string) => !hasGap(`endpoint:${type}`, 'not-enabled');

  const unfiltered = new Set<string>();
  for (const r of matrix.resources) {
    for (const p of r.searchParams) if (hasGap(`search:${r.type}:${p.name}`, 'unfiltered')) unfiltered.add(`${r.type}:${p.name}`);
  }
  // A gap may name a param the matrix spells differently (the platform registers `date-dateTime`, the IG says `date`).
  for (const g of gaps) {
    const m = /^search:([^:]+):(.+)$/.exec(g.capability);
    if (g.kind === 'unfiltered' && m) unfiltered.add(`${m[1]}:${m[2]}`);
  }

  return {
    matrix,
    profile,
    gaps,
    unfiltered,
    hasGap,
    enabledResources: () => matrix.resources.filter((r) => enabled(r.type)),
    require(type, interaction) {
      const r = byType.get(type);
      if (!r) throw notSupported(`Resource type ${type} is not supported by this server`);
      if (!enabled(type)) throw notSupported(`The ${type} endpoint is not enabled on this server`);
      if (interaction && !r.interactions.includes(interaction)) {
        throw notAllowed(`Interaction ${interaction} is not supported for ${type}`);
      }
      return r;
    },
  };
}
