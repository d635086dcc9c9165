// Version ⇄ ETag/If-Match conversion: the platform's optimistic locking hinges on the exact header forms.
import type { FaultSet } from './faults.ts';

export function etagOf(versionId: string, faults: FaultSet): string {
  return faults.has('strong-etag') ? `"${versionId}"` : `W/"${versionId}"`;
}

/** `W/"3"` or `"3"` → "3"; anything else → null (which then can never match a version). */
export function parseIfMatch(header: string | undefined): string | null | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"([^"]+)"\s*$/.exec(header);
  return m ? m[1] : null;
}
