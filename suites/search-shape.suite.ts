// The searchset itself: Bundle type and self link, _count, paging to the end, POST _search, unknown parameters
// (strict and lenient), _sort (date, string, several keys), _total, _summary, _elements and _count=0 — over seven Patients with a tag of their own; one of them carries an Uzbek
// family name for the advisory apostrophe check.
import { beforeAll, describe } from 'vitest';
import { session } from '../lib/run/session.ts';
import { checkUzbekApostrophes } from '../lib/search/apostrophes.ts';
import { checkExpressionValid } from '../lib/search/expression-valid.ts';
import * as shape from '../lib/search/shape.ts';
import { capabilityTest } from '../lib/vitest/capability.ts';
import { CreatedResources } from '../lib/fixtures/teardown.ts';
import { scopedHook } from '../lib/vitest/scope.ts';
import { deleteAfterAll } from '../lib/vitest/teardown.ts';

const CHECKS: [capability: string, title: string, check: (c: Parameters<typeof shape.checkPaging>[0], f: shape.ShapeFixture) => Promise<void>][] = [
  ['search:searchset-bundle', 'A search answers a Bundle of type searchset with a self link and exactly the matches', shape.checkSearchsetBundle],
  ['search:count', 'A page holds no more than _count entries and links to the next page', shape.checkCount],
  ['search:paging', 'next links lead through every match exactly once (_count=2), with no duplicates or gaps', shape.checkPaging],
  ['search:post-search', 'POST [type]/_search with a form body returns the same resources as GET', shape.checkPostSearch],
  ['search:unknown-param-strict', 'An unknown parameter under Prefer: handling=strict answers 400 with an OperationOutcome', shape.checkUnknownStrict],
  ['search:unknown-param-lenient', 'An unknown parameter is ignored (same results) and left out of the self link', shape.checkUnknownLenient],
  ['search:sort', '_sort orders by a date parameter (both directions) and by _lastUpdated', shape.checkSort],
  ['search:total', '_total=accurate gives Bundle.total equal to the number of matches; _total=none changes no result', shape.checkTotal],
  ['search:sort:string', '_sort=family and -family order by a string parameter', shape.checkSortString],
  ['search:sort:multiple-keys', '_sort=gender,-birthdate orders by a token, then a date descending', shape.checkSortMultiple],
  ['search:summary-count', '_summary=count returns the total and no resources', shape.checkSummaryCount],
  ['search:count-zero', '_count=0 is treated as _summary=count: the total, no entries, no paging links', shape.checkCountZero],
  ['search:summary-true', '_summary=true returns only the summary elements, marked SUBSETTED', shape.checkSummaryTrue],
  ['search:elements', '_elements returns only the elements asked for (and the mandatory ones), marked SUBSETTED', shape.checkElements],
  ['search:string-uzbek-apostrophes', 'A family name written with ʻ is found when typed with ʼ \' ‘ ’ ` (advisory)', checkUzbekApostrophes],
];

describe.concurrent('searchset shape', () => {
  const s = session();
  const created = new CreatedResources();
  deleteAfterAll(s, created);
  let fixture: shape.ShapeFixture | undefined;
  let failure: Error | undefined;

  beforeAll(scopedHook('beforeAll', async () => {
    if (s.ctx.target.readOnly) return;
    try {
      fixture = await shape.plantShape(s.client, s.ctx.tag, created);
    } catch (e) {
      failure = e as Error;
    }
  }));

  for (const [capability, title, check] of CHECKS) {
    capabilityTest(capability, title, async (c) => {
      if (failure) throw failure;
      await check(c.client, fixture!);
    }, { writes: true });
  }
});

// The platform's CapabilityStatement documents expressions naming elements R5 lacks for a few params (the matrix's
// platformExpression): the target's own CapabilityStatement is read for each of them.
describe('search parameter expressions name R5 elements', () => {
  const s = session();
  let metadata: Promise<any> | undefined;
  const read = () => (metadata ??= s.client.request('GET', 'metadata', { accept: 'any' }).then((r) => (r.body?.resourceType === 'CapabilityStatement' ? r.body : undefined)));
  for (const r of s.matrix.resources) {
    for (const p of r.searchParams.filter((x) => x.platformExpression)) {
      capabilityTest(`matrix:expression-valid:${r.type}:${p.name}`, `The CapabilityStatement's expression for ${r.type}:${p.name} names only elements R5 has`, () => checkExpressionValid(read, r.type, p));
    }
  }
});
