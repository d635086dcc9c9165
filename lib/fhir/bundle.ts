// The one builder of transaction Bundles (FHIR R5 http.html#transaction): entries POST a resource under a fullUrl
// (a urn:uuid the other entries may reference), PUT one at Type/id (optionally with request.ifMatch), or DELETE one.

export interface TxEntry {
  fullUrl?: string;
  resource?: { resourceType: string; id?: string; [key: string]: any };
  request: { method: 'POST' | 'PUT' | 'DELETE'; url: string; ifMatch?: string };
}
export interface TxBundle { resourceType: 'Bundle'; type: 'transaction'; entry: TxEntry[] }

export function transactionBundle(entries: TxEntry[]): TxBundle {
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

export function postEntry<R extends { resourceType: string }>(resource: R, fullUrl?: string): TxEntry & { resource: R } {
  return { ...(fullUrl ? { fullUrl } : {}), resource, request: { method: 'POST', url: resource.resourceType } };
}

/**
 * R5 Bundle.entry.fullUrl "SHALL have a value" for an update and is "the Absolute URL for the resource": pass the
 * server's base to set it; without one the entry carries none (as most servers accept) rather than a relative URL.
 */
export function putEntry<R extends { resourceType: string; id?: string }>(resource: R & { id: string }, o: { ifMatch?: string; base?: string } = {}): TxEntry & { resource: R } {
  const url = `${resource.resourceType}/${resource.id}`;
  return { ...(o.base ? { fullUrl: `${o.base}/${url}` } : {}), resource, request: { method: 'PUT', url, ...(o.ifMatch ? { ifMatch: o.ifMatch } : {}) } };
}

export function deleteEntry(ref: string): TxEntry {
  return { request: { method: 'DELETE', url: ref } };
}
