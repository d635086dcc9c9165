// Runs one search against the run's tagged resources and follows its next links (bounded), so a check sees every
// page the server returns and not just the first — and says when it could not: a searchset whose Bundle.total counts
// more matches than its pages hold, with no next link to the rest, is a paging defect (search:paging), not a verdict
// on the parameter.
import type { FhirClient } from '../client/http.ts';
import { tagQuery, type Coding } from '../fixtures/run-tag.ts';

export const MAX_PAGES = 20;
export const PAGE_SIZE = 100;

export interface QueryRun {
  status: number;
  body: any;
  text: string;
  /** The first request's URL (what a vendor replays). */
  url: string;
  returned: Map<string, Record<string, any>>;
  selfLink?: string;
  /** The first page's Bundle.total, when the server gave one. */
  total?: number;
  /** Set when some matches may be on pages the harness could not read, with the facts (`returned 100 of total 147; no next link`). */
  truncated?: { facts: string; byHarness: boolean };
  /** Every entry of every page read, in order: `Type/id`, its search.mode as sent, the page (1-based) — for includes. */
  entries: { key: string; mode?: string; page: number; resource: Record<string, any> }[];
}

const linkOf = (body: any, relation: string) => (body?.link ?? []).find((l: { relation: string }) => l.relation === relation)?.url as string | undefined;

/**
 * `Type?_tag=<run>&name[:mod]=value[&extra…]`, every next page followed (bounded), match ids deduplicated; `extra` carries
 * further params (`_include`, `_id`) and may set `_count`.
 */
export function runQuery(client: FhirClient, type: string, tag: Coding, key: string, value: string, extra: [string, string][] = []): Promise<QueryRun> {
  return readPages(client, type, [['_tag', tagQuery(tag)], [key, value], ...extra], { plain: !extra.length });
}

/**
 * `Type?params…` with `_count=100` unless params set it, every next page followed up to `maxPages`: the same reading
 * and the same truncation facts whether the search is restricted to this run's fixtures (runQuery) or not (what a
 * target already holds, judge-found.ts). `plain`: one filter and nothing else (no _include, _count or _id), so a
 * full first page without Bundle.total or a next link says the rest was cut off.
 */
export async function readPages(client: FhirClient, type: string, params: [string, string][], opts: { maxPages?: number; plain: boolean }): Promise<QueryRun> {
  const maxPages = opts.maxPages ?? MAX_PAGES;
  const count = params.some(([k]) => k === '_count') ? [] : [['_count', String(PAGE_SIZE)] as [string, string]];
  let res = await client.search(type, [...params, ...count], { accept: 'any' });
  const first = res;
  const returned = new Map<string, Record<string, any>>();
  const entries: QueryRun['entries'] = [];
  const total = typeof first.body?.total === 'number' ? (first.body.total as number) : undefined;
  let pages = 0, matchEntries = 0, next: string | undefined;
  for (; pages < maxPages && res.status === 200; ) {
    pages++;
    for (const e of res.body?.entry ?? []) {
      if (e.resource?.id) entries.push({ key: `${e.resource.resourceType}/${e.resource.id}`, mode: e.search?.mode, page: pages, resource: e.resource });
      if (!e.resource?.id || (e.search?.mode ?? 'match') !== 'match') continue;
      matchEntries++;
      returned.set(e.resource.id, e.resource);
    }
    next = linkOf(res.body, 'next');
    if (!next) break;
    if (pages < maxPages) res = await client.request('GET', next, { accept: 'any' });
  }
  let truncated: QueryRun['truncated'];
  if (first.status === 200) {
    if (next && pages >= maxPages) truncated = { facts: `returned ${returned.size} in the first ${maxPages} pages and links further (the harness reads at most ${maxPages})`, byHarness: true };
    else if (!next && total !== undefined && total > matchEntries) truncated = { facts: `returned ${matchEntries} of total ${total}; no next link`, byHarness: false };
    else if (!next && total === undefined && pages === 1 && opts.plain && matchEntries >= PAGE_SIZE) truncated = { facts: `returned a full page of ${matchEntries} (_count=${PAGE_SIZE}) with no Bundle.total and no next link`, byHarness: false };
  }
  return { status: first.status, body: first.body, text: first.text, url: first.exchange.request.url, returned, selfLink: linkOf(first.body, 'self'), total, truncated, entries };
}
