// A search answers a Bundle of type searchset (FHIR R5 http.html#search: "the server returns the results in a
// Bundle with type set to searchset"). Also tells an endpoint that is not there from one that misbehaves.
import { issueCodes } from './operation-outcome.ts';

export interface Searchset { resourceType: 'Bundle'; type: 'searchset'; total?: number; entry?: { resource?: { resourceType?: string; id?: string } }[] }

export function isSearchset(body: unknown): body is Searchset {
  const b = body as { resourceType?: unknown; type?: unknown } | undefined;
  return !!b && b.resourceType === 'Bundle' && b.type === 'searchset';
}

/** Ids of the matches (search mode `match` or unmarked) of one type in a searchset. */
export function matchIds(body: unknown, type: string): string[] {
  if (!isSearchset(body)) return [];
  return (body.entry ?? [])
    .filter((e) => e.resource?.resourceType === type && ((e as { search?: { mode?: string } }).search?.mode ?? 'match') === 'match')
    .map((e) => e.resource!.id!)
    .filter(Boolean);
}

/**
 * An answer that says "this endpoint does not exist here" rather than "it exists and failed": 404 or 405 for
 * the type, 501, or an OperationOutcome with issue code not-supported (the platform's "not yet enabled").
 */
export function isNotEnabled(status: number, body: unknown): boolean {
  return status === 404 || status === 405 || status === 501 || (status >= 400 && issueCodes(body).includes('not-supported'));
}
