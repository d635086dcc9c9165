// What the server declares in /metadata: a failed search check says whether the param was declared, which tells
// "not implemented" from "implemented wrongly".
import type { FhirClient } from '../client/http.ts';

let metadata: Promise<any> | undefined;
/** /metadata, fetched once per worker. */
export function capabilityStatement(client: FhirClient): Promise<any> {
  metadata ??= client.request('GET', 'metadata', { auth: false, accept: 'any' }).then((r) => (r.status === 200 ? r.body : undefined)).catch(() => undefined);
  return metadata;
}

export function declares(cs: any, type: string, param: string): boolean | undefined {
  if (!cs) return undefined;
  const r = (cs.rest ?? []).flatMap((x: any) => x.resource ?? []).find((x: any) => x.type === type);
  if (!r) return false;
  return (r.searchParam ?? []).some((p: any) => p.name === param);
}
