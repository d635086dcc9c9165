// What the platform itself writes and no client can: resources of the types the matrix lets clients read and search
// but neither create nor update (Provenance: the platform records it for the writes it accepts). A client cannot plant
// them, so the harness judges their search on what it finds; this server therefore holds, for each such type it has
// enabled, the IG's examples of it, each also reduced to what R5 requires of the type (backbone elements too) and
// claiming no profile. The two differ in every optional value, so a search that ignores its parameter returns a record
// that does not match — with one record alone an ignored parameter would still look right.
import type { ServerContext } from './context.ts';
import { create } from './interactions.ts';
import { examplesOf } from './profiles/ig.ts';
import { requiredOnly } from './r5-required.ts';

const REDUCED_SUFFIX = '-required-only';

/** The types of this instance only the platform writes (enabled, searchable, no client write). */
export function platformWrittenTypes(ctx: Pick<ServerContext, 'caps'>): string[] {
  return ctx.caps.enabledResources()
    .filter((r) => r.interactions.includes('search-type') && !r.interactions.includes('create') && !r.interactions.includes('update'))
    .map((r) => r.type);
}

/** The example with only `resourceType`, its id (suffixed) and the elements R5 requires of the type (no meta: no profile). */
export function reducedToRequired(example: Record<string, unknown>): Record<string, unknown> {
  const type = String(example.resourceType);
  return { resourceType: type, id: `${String(example.id)}${REDUCED_SUFFIX}`, ...requiredOnly(type, example) };
}

/** Stores the records through the ordinary write path (validation, versioning, faults); returns `Type/id` of each. */
export function loadPlatformRecords(ctx: ServerContext): string[] {
  const stored: string[] = [];
  for (const type of platformWrittenTypes(ctx)) {
    for (const example of examplesOf(type)) {
      for (const r of [example, reducedToRequired(example)]) {
        const id = String(r.id);
        create(ctx, type, r, id);
        stored.push(`${type}/${id}`);
      }
    }
  }
  return stored;
}
