// Weak ETags carry the resource version (API access page, Concurrency: "Every read returns the resource's
// current version as a weak ETag: ETag: W/"3""); If-Match sends the same value back.

export interface ETag {
  weak: boolean;
  /** The opaque tag between the quotes; for FHIR the versionId. */
  value: string;
}

/** Parses an ETag header (`W/"3"` or `"3"`); undefined when absent or malformed. */
export function parseETag(header: string | undefined | null): ETag | undefined {
  if (!header) return undefined;
  const m = /^\s*(W\/)?"([^"]*)"\s*$/.exec(header);
  return m ? { weak: !!m[1], value: m[2]! } : undefined;
}

/** The weak ETag for a version, as the platform writes it: `W/"3"`. */
export function weakETag(version: string | number): string {
  return `W/"${version}"`;
}

/**
 * The version an ETag names, as the opaque string it is (FHIR: versionId is an id, compared for equality only);
 * undefined when the tag is absent or malformed.
 */
export function etagVersion(header: string | undefined | null): string | undefined {
  return parseETag(header)?.value;
}

/**
 * DHP's own form of a versionId: a positive integer counting the resource's versions (W/"3" → W/"4"). Only the
 * capability that checks that form (concurrency:version-integer) reads versions as numbers; everything else
 * compares them as opaque strings, so a server with versionIds like "a1b2" is judged on its locking alone.
 */
export function integerVersion(versionId: string | undefined): number | undefined {
  return versionId !== undefined && /^[1-9]\d{0,15}$/.test(versionId) ? Number(versionId) : undefined;
}
