// Version ⇄ ETag/If-Match conversion: the platform's optimistic locking hinges on the exact header forms.
import type { FaultSet } from './faults.ts';

export function etagOf(version: number, faults: FaultSet): string {
  const versionId = versionIdOf(version, faults);
  return faults.has('strong-etag') ? `"${versionId}"` : `W/"${versionId}"`;
}

/**
 * The versionId the server shows for its n-th version: "n", as the platform does; under the version-non-integer fault
 * an opaque id ("a3b1") — still one per version, so locking stays correct and only the integer form is wrong.
 */
export function versionIdOf(version: number, faults: FaultSet): string {
  return faults.has('version-non-integer') ? `a${version}b${(version * 7 + 3) % 10}` : String(version);
}

/** The version number a shown versionId names; undefined when it names none of this server's versions. */
export function versionOfId(versionId: string, faults: FaultSet): number | undefined {
  const m = faults.has('version-non-integer') ? /^a([1-9]\d*)b\d$/.exec(versionId) : /^([1-9]\d*)$/.exec(versionId);
  return m && versionIdOf(Number(m[1]), faults) === versionId ? Number(m[1]) : undefined;
}

/** `W/"3"` or `"3"` → "3"; anything else → null (which then can never match a version). */
export function parseIfMatch(header: string | undefined): string | null | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"([^"]+)"\s*$/.exec(header);
  return m ? m[1] : null;
}
