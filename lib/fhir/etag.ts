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

/** The version an ETag names, as a number; undefined when the tag is absent, malformed or not an integer. */
export function etagVersion(header: string | undefined | null): number | undefined {
  const tag = parseETag(header);
  return tag && /^\d+$/.test(tag.value) ? Number(tag.value) : undefined;
}
