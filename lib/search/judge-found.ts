// The found-data judge, for types the target lets the harness search but not write (Provenance: only the platform
// writes it). Nothing can be planted, so the judge reads what the target already holds (`Type?_count=100`, a few pages),
// takes for each param one found resource's value (found-value.ts) and judges `Type?param=value`: recall — that
// resource comes back — and precision — everything returned matches by the oracle. It proves less than a planted
// check: no decoy was planted, so a server that ignores the param is caught only if the target holds a resource that
// does not match.
import type { FhirClient } from '../client/http.ts';
import { isNotEnabled } from '../fhir/searchset.ts';
import type { SearchParam } from '../matrix/types.ts';
import type { SeedSource } from '../run/seed.ts';
import { Blocked, CheckFailure, NotRun } from '../verdicts.ts';
import type { ParamCoverage } from './coverage.ts';
import { diagnose } from './diagnose.ts';
import { expressionOf, resourceMatches } from './evaluate.ts';
import { foundValueFor, type FoundValue } from './found-value.ts';
import { notMatching, observationOf, type SearchCheck } from './judge.ts';
import { readPages, PAGE_SIZE, type QueryRun } from './pages.ts';

/** How many pages of what the target holds are read (bounded: a production server may hold millions). */
const FOUND_PAGES = 3;

export class FoundData {
  private inventory?: Promise<QueryRun | Error>;
  private readonly values = new Map<string, FoundValue | undefined>();
  private held?: QueryRun | Error;

  constructor(readonly type: string, private readonly seeds: SeedSource) {}

  /** Reads once; later calls share the read. Never throws: a failed read is what every check then reports. */
  read(client: FhirClient): Promise<QueryRun | Error> {
    this.inventory ??= readPages(client, this.type, [['_count', String(PAGE_SIZE)]], { maxPages: FOUND_PAGES, plain: true })
      .catch((e: Error) => e)
      .then((r) => (this.held = r));
    return this.inventory;
  }

  private resources(): Record<string, any>[] {
    return this.held instanceof Error || !this.held ? [] : [...this.held.returned.values()].filter((r) => r.resourceType === this.type);
  }

  /** The value for `param` (from the run seed's stream for it), once the target's resources have been read. */
  valueFor(param: SearchParam): FoundValue | undefined {
    if (!this.values.has(param.name)) {
      this.values.set(param.name, foundValueFor(this.resources(), param, (xs) => this.seeds.draw(`found:${this.type}:${param.name}`).pick(xs)));
    }
    return this.values.get(param.name);
  }

  /** Why nothing can be searched for `param` (undefined: a value was found). */
  whyNot(param: SearchParam): string | undefined {
    const held = this.held;
    if (!held) return `the ${this.type} the target holds were not read`;
    if (held instanceof Error) return `reading the ${this.type} the target holds failed: ${held.message}`;
    if (held.status !== 200) return `GET ${this.type}?_count=${PAGE_SIZE} answered ${held.status}: nothing found to search for`;
    const n = this.resources().length;
    if (!n) return `the target holds no ${this.type} (GET ${this.type}?_count=${PAGE_SIZE} found none); nothing to search for`;
    if (!this.valueFor(param)) return `the target holds no ${this.type} with a value for ${param.name} (found ${n} resources${held.truncated ? `, ${held.truncated.facts}` : ''}); nothing to search for`;
    return undefined;
  }

  /** The param's line in search-coverage.json: tested on found data, or not run with the reason. */
  coverage(param: SearchParam): Pick<ParamCoverage, 'status' | 'reason' | 'where' | 'checks'> {
    const why = this.whyNot(param);
    if (why) return { status: 'not-run', reason: why, checks: [] };
    const v = this.valueFor(param)!;
    return {
      status: 'tested', checks: ['found data'],
      where: `found data: ${this.type}/${v.source.id} at ${expressionOf(param)} (recall and precision on what the target holds; no decoy planted)`,
    };
  }

  /** Every found resource, by id (what an ignored param returns). */
  foundIds(): Set<string> {
    return new Set(this.resources().map((r) => String(r.id)));
  }

  get failedRead(): QueryRun | undefined {
    return this.held instanceof Error || !this.held || this.held.status === 200 ? undefined : this.held;
  }
}

/** Judges `Type?param=<found value>`: the value's source comes back, and nothing that does not match. */
export async function checkFound(c: SearchCheck, found: FoundData, param: SearchParam): Promise<void> {
  const type = found.type;
  const failed = found.failedRead;
  if (failed && isNotEnabled(failed.status, failed.body)) throw new CheckFailure(`the ${type} endpoint is not enabled: GET ${type}?_count=${PAGE_SIZE} answered ${failed.status}: ${failed.text.slice(0, 200)}`, 'not-enabled');
  const why = found.whyNot(param);
  if (why) throw new NotRun(why);
  const { source, value } = found.valueFor(param)!;
  const query = `${type}?${param.name}=${value}`;
  const run = await readPages(c.client, type, [[param.name, value]], { plain: true });
  if (isNotEnabled(run.status, run.body)) throw new CheckFailure(`${query} answered ${run.status}: the endpoint is not enabled: ${run.text.slice(0, 200)}`, 'not-enabled');
  if (run.status !== 200) throw new CheckFailure(`wrong: ${query} answered ${run.status} instead of a searchset: ${run.text.slice(0, 300)}`, 'wrong');

  const sourceName = `${type}/${source.id} (the value's source)`;
  const missing = run.returned.has(String(source.id)) ? [] : [sourceName];
  const imprecise = notMatching(run.returned, (_, res) => res.resourceType !== type, (res) => resourceMatches(res, param, value));
  if (!missing.length && !imprecise.length) return;

  const context = `found data: the value came from ${type}/${source.id} at ${expressionOf(param)}; expected ${type}/${source.id} back and only ${type} that match by the oracle (no decoy was planted: the harness cannot write ${type})`;
  if (run.truncated && !imprecise.length) {
    const whyNot = `${query} ${run.truncated.facts}: ${sourceName} may be on pages it does not link; recall not judged (${context})`;
    if (run.truncated.byHarness) throw new NotRun(whyNot);
    throw new Blocked('search:paging', whyNot);
  }
  const ids = found.foundIds();
  const observation = observationOf(run, type, param, `${param.name}=${value}`, {
    unexpected: [], missing, imprecise, planted: { total: ids.size, returned: [...run.returned.keys()].filter((id) => ids.has(id)).length, as: 'found' },
  });
  const d = diagnose(observation)!;
  c.attach('search', {
    query, url: run.url, reproduce: `curl -H "Authorization: Bearer $TOKEN" '${run.url.replace(/'/g, "'\\''")}'`,
    total: run.total, truncated: run.truncated?.facts,
    param: { name: param.name, type: param.type, expression: param.expression },
    foundData: { source, value, found: [...ids], returned: [...run.returned.keys()], imprecise },
  });
  throw new CheckFailure(`${d.message}; ${context}`, d.kind, { mustReturn: [`${type}/${source.id}`], onlyMatching: true }, { returned: run.returned.size, imprecise });
}
