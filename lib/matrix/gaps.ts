// Expected gaps of a target, as data: which gap (if any) covers a capability id.
import { gapExcuses, type FailureKind } from '../verdicts.ts';
import type { ExpectedGap, Matrix } from './types.ts';

export class GapBook {
  private readonly byId = new Map<string, ExpectedGap>();
  constructor(readonly gaps: readonly ExpectedGap[]) {
    for (const g of gaps) this.byId.set(g.capability, g);
  }

  /**
   * A gap covers its own id and every sub-capability `<id>:…`; a not-enabled endpoint also covers every
   * search on that type, since nothing can be searched where the endpoint is not there — and every search that goes
   * through that type (`search:Observation:subject:chain:Consent.identifier`, `search:Patient:_revinclude:Consent:patient`),
   * since nothing of it can be planted there. With the failure's `kind`, the covering gap of that kind is preferred.
   */
  lookup(capability: string, kind?: FailureKind): ExpectedGap | undefined {
    const all = this.covering(capability);
    // Several gaps may cover one id (a search naming a UZ Core ValueSet on a type not enabled): the one of the failure's kind.
    return (kind ? all.find((g) => gapExcuses(g.kind, kind)) : undefined) ?? all[0];
  }

  /** The gap on exactly `capability` (a gap's own id). */
  get(capability: string): ExpectedGap | undefined {
    return this.byId.get(capability);
  }

  private covering(capability: string): ExpectedGap[] {
    const out: ExpectedGap[] = [];
    const parts = capability.split(':');
    for (let n = parts.length; n >= 2; n--) {
      const hit = this.byId.get(parts.slice(0, n).join(':'));
      if (hit) out.push(hit);
    }
    if (parts[0] === 'search') {
      for (const type of parts.slice(1).flatMap((p) => p.split('.')).filter((p) => /^[A-Z]/.test(p))) {
        const endpoint = this.byId.get(`endpoint:${type}`);
        if (endpoint?.kind === 'not-enabled' && !out.includes(endpoint)) out.push(endpoint);
      }
    }
    return out;
  }
}

/** The gaps a target (and, for the embedded target, a profile) is expected to have. */
export function gapsOf(matrix: Matrix, target: string, profile?: string): ExpectedGap[] {
  const t = matrix.targets[target];
  if (!t) return [];
  if (t.embedded) {
    const ref = t.profiles?.[profile ?? t.defaultProfile ?? '']?.gapsOf;
    return ref ? gapsOf(matrix, ref) : [];
  }
  if (t.gapsOf) return gapsOf(matrix, t.gapsOf);
  return t.gaps ?? [];
}
