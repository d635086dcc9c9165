// Runs one search against the run's tagged resources and follows its next links (bounded), so a check sees every
// page the server returns and not just the first.
import type { FhirClient } from '../client/http.ts';
import { tagQuery, type Coding } from '../fixtures/run-tag.ts';

const MAX_PAGES = 20;
const PAGE_SIZE = 100;

export interface QueryRun {
  status: number;
  body: any;
  text: string;
  returned: Map<string, Record<string, any>>;
  selfLink?: string;
}

/** `Type?_tag=<run>&name[:mod]=value`, every next page followed (bounded), ids deduplicated. */
export async function runQuery(client: FhirClient, type: string, tag: Coding, key: string, value: string): Promise<QueryRun> {
  let res = await client.search(type, [['_tag', tagQuery(tag)], [key, value], ['_count', String(PAGE_SIZE)]], { accept: 'any' });
  const first = res;
  const returned = new Map<string, Record<string, any>>();
  const selfLink = (res.body?.link ?? []).find((l: { relation: string }) => l.relation === 'self')?.url as string | undefined;
  for (let page = 0; page < MAX_PAGES && res.status === 200; page++) {
    for (const e of res.body?.entry ?? []) if (e.resource?.id && (e.search?.mode ?? 'match') === 'match') returned.set(e.resource.id, e.resource);
    const next = (res.body?.link ?? []).find((l: { relation: string }) => l.relation === 'next')?.url as string | undefined;
    if (!next) break;
    res = await client.request('GET', next, { accept: 'any' });
  }
  return { status: first.status, body: first.body, text: first.text, returned, selfLink };
}
