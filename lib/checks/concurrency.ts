// Concurrency (API access page, "Concurrency"): optimistic locking with weak ETags and If-Match. Versions are
// opaque strings (FHIR: versionId is an id, compared for equality) everywhere except checkVersionInteger, the one
// check of DHP's integer W/"n" form. Each check that builds on a prerequisite's behaviour (an update that makes a new
// version, a stale write that is refused) reports `blocked` naming it when that behaviour is missing here.
import fc from 'fast-check';
import type { FhirResponse } from '../client/http.ts';
import { describeExchange } from '../fhir/exchange.ts';
import { integerVersion, parseETag } from '../fhir/etag.ts';
import { describeOutcome, hasErrorIssue, hasIssueText } from '../fhir/operation-outcome.ts';
import { barrier, ifMatchFor, readModifyWrite, versionOf } from '../fhir/optimistic-lock.ts';
import type { Json } from '../fixtures/personas.ts';
import type { WriteFixtures } from '../fixtures/write-fixtures.ts';
import { assertProperty } from '../property/run.ts';
import { CheckFailure } from '../verdicts.ts';
import type { CheckContext } from './context.ts';

/** The page's words in the 412's OperationOutcome (details.text or diagnostics, case and spacing aside). */
export const VERSION_MISMATCH_TEXT = 'Version is mismatch';

const withValue = (r: Json, value: number): Json => ({ ...r, valueQuantity: { ...r.valueQuantity, value } });
const valueOf = (r: FhirResponse): unknown => r.body?.valueQuantity?.value;
const shown = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v));

async function read(c: CheckContext, id: string): Promise<FhirResponse> {
  const res = await c.client.read('Observation', id, { accept: 'any' });
  if (res.status !== 200) throw new CheckFailure(`reading Observation/${id} should answer 200: ${describeExchange(res)}`);
  return res;
}

/** Core of concurrency:update-with-if-match: an update with the current If-Match is applied and makes a new version. */
export async function updatedOnce(c: CheckContext, fx: WriteFixtures, value = 2) {
  const { id } = await fx.observation(1);
  const first = await read(c, id);
  const v0 = versionOf(first);
  if (v0 === undefined) throw new CheckFailure(`a read should carry its version (ETag or meta.versionId): ${describeExchange(first)}`, 'wrong');
  const update = await c.client.update(withValue(first.body, value), ifMatchFor(first), { accept: 'any' });
  if (update.status !== 200) throw new CheckFailure(`PUT with the current If-Match ${ifMatchFor(first)} should answer 200: ${describeExchange(update)}`, 'wrong', 200, update.status);
  const after = await read(c, id);
  const v1 = versionOf(after);
  if (v1 === undefined || v1 === v0) {
    throw new CheckFailure(`an update should make a new version: read version "${v0}" before the PUT and ${v1 === undefined ? 'no version' : `"${v1}" again`} after it (ETag ${after.headers.etag ?? '(none)'}, meta.versionId ${shown(after.body?.meta?.versionId)})`, 'wrong', `not "${v0}"`, v1);
  }
  return { id, first, update, after, v0, v1 };
}

/** Core of concurrency:stale-if-match-412: after that update, a PUT with the first (now stale) ETag answers 412. */
export async function staleWrite(c: CheckContext, fx: WriteFixtures) {
  let u: Awaited<ReturnType<typeof updatedOnce>>;
  try {
    u = await updatedOnce(c, fx);
  } catch (e) {
    if (e instanceof CheckFailure) c.blocked('concurrency:update-with-if-match', `no If-Match can be stale without an update that makes a new version: ${e.message}`);
    throw e;
  }
  const staleIfMatch = ifMatchFor(u.first)!;
  const stale = await c.client.update(withValue(u.first.body, 99), staleIfMatch, { accept: 'any' });
  const after = await read(c, u.id);
  if (stale.status !== 412) {
    throw new CheckFailure(`PUT with the stale If-Match ${staleIfMatch} (the resource is at version "${u.v1}") should answer 412: ${describeExchange(stale)}`, 'wrong', 412, stale.status);
  }
  return { ...u, staleIfMatch, stale, before: u.after, afterStale: after };
}

/** concurrency:weak-etag */
export async function checkWeakEtag(c: CheckContext, fx: WriteFixtures): Promise<void> {
  const { id } = await fx.observation();
  const r = await read(c, id);
  if (!parseETag(r.headers.etag)?.weak) throw new CheckFailure(`a read should return a weak ETag W/"<versionId>", got ${r.headers.etag ? `"${r.headers.etag}"` : 'no ETag'}: ${describeExchange(r)}`, 'wrong');
  const u = await c.client.update(withValue(r.body, 1), ifMatchFor(r), { accept: 'any' });
  // An update that fails is concurrency:update-with-if-match's failure: judge the read's ETag alone, and say so.
  if (u.status !== 200) return c.note(`the update answered ${u.status}: only the read's ETag was judged`);
  if (!parseETag(u.headers.etag)?.weak) throw new CheckFailure(`an update should return a weak ETag W/"<versionId>", got ${u.headers.etag ? `"${u.headers.etag}"` : 'no ETag'}: ${describeExchange(u)}`, 'wrong');
}

/** concurrency:etag-matches-version */
export async function checkEtagMatchesVersion(c: CheckContext, fx: WriteFixtures): Promise<void> {
  const { id } = await fx.observation();
  const r = await read(c, id);
  const tag = parseETag(r.headers.etag);
  const versionId = r.body?.meta?.versionId;
  if (!tag || tag.value !== versionId) throw new CheckFailure(`ETag ${r.headers.etag ?? '(none)'} should name meta.versionId ${shown(versionId)}`, 'wrong', versionId, tag?.value);
}

/** concurrency:update-with-if-match — the core, plus: the update's ETag names the new version, and the write is applied. */
export async function checkUpdateWithIfMatch(c: CheckContext, fx: WriteFixtures): Promise<void> {
  const { update, after, v1 } = await updatedOnce(c, fx, 5);
  const named = versionOf(update);
  if (named !== v1) throw new CheckFailure(`the update's answer should name the version it made ("${v1}", as a read shows it), names ${named === undefined ? 'none' : `"${named}"`} (ETag ${update.headers.etag ?? '(none)'})`, 'wrong', v1, named);
  if (after.body?.meta?.versionId !== v1) throw new CheckFailure(`after the update, meta.versionId should be the ETag's version "${v1}", is ${shown(after.body?.meta?.versionId)}`, 'wrong', v1, after.body?.meta?.versionId);
  if (valueOf(after) !== 5) throw new CheckFailure(`the update should be applied (valueQuantity.value 5), read ${shown(valueOf(after))}`, 'wrong', 5, valueOf(after));
}

/** concurrency:version-integer — the one check of DHP's integer form: W/"n", and an update makes W/"n+1". */
export async function checkVersionInteger(c: CheckContext, fx: WriteFixtures): Promise<void> {
  let u: Awaited<ReturnType<typeof updatedOnce>>;
  try {
    u = await updatedOnce(c, fx);
  } catch (e) {
    if (e instanceof CheckFailure) c.blocked('concurrency:update-with-if-match', e.message);
    throw e;
  }
  const n = integerVersion(u.v0), m = integerVersion(u.v1);
  if (n === undefined) throw new CheckFailure(`DHP versions are positive integers (ETag W/"3"): a read named version "${u.v0}" (ETag ${u.first.headers.etag ?? '(none)'})`, 'wrong', 'W/"<n>"', u.first.headers.etag);
  if (m !== n + 1) throw new CheckFailure(`an update of version ${n} should make version ${n + 1} (W/"${n + 1}"), made "${u.v1}" (ETag ${u.after.headers.etag ?? '(none)'})`, 'wrong', String(n + 1), u.v1);
}

/** concurrency:stale-if-match-412 — the core, plus the page's OperationOutcome: error/invalid, "Version is mismatch". */
export async function checkStaleIfMatch412(c: CheckContext, fx: WriteFixtures): Promise<void> {
  const { stale } = await staleWrite(c, fx);
  if (!hasErrorIssue(stale.body, 'invalid')) throw new CheckFailure(`the 412 should carry an OperationOutcome with an error issue of code "invalid", got ${describeOutcome(stale.body)}: ${describeExchange(stale)}`, 'wrong');
  if (!hasIssueText(stale.body, VERSION_MISMATCH_TEXT)) {
    throw new CheckFailure(`the 412's OperationOutcome should say "${VERSION_MISMATCH_TEXT}" (details.text or diagnostics, as the API access page shows), got ${describeOutcome(stale.body)}`, 'wrong', VERSION_MISMATCH_TEXT, describeOutcome(stale.body));
  }
}

/** concurrency:stale-write-no-change — judged on a stale write the server refused with 412. */
export async function checkStaleWriteNoChange(c: CheckContext, fx: WriteFixtures): Promise<void> {
  let w: Awaited<ReturnType<typeof staleWrite>>;
  try {
    w = await staleWrite(c, fx);
  } catch (e) {
    if (e instanceof CheckFailure) c.blocked('concurrency:stale-if-match-412', `"unchanged after a 412" needs a stale write the server refuses: ${e.message}`);
    throw e;
  }
  const { before, afterStale: after } = w;
  const was = { version: versionOf(before), value: valueOf(before) };
  const now = { version: versionOf(after), value: valueOf(after) };
  if (was.version !== now.version || was.value !== now.value) {
    throw new CheckFailure(`a write refused with 412 must change nothing: before it version "${was.version}" value ${shown(was.value)}, after it version "${now.version}" value ${shown(now.value)}`, 'wrong', was, now);
  }
}

/** concurrency:if-match-required */
export async function checkIfMatchRequired(c: CheckContext, fx: WriteFixtures): Promise<void> {
  const { id } = await fx.observation();
  const r = await read(c, id);
  const u = await c.client.update(withValue(r.body, 7), undefined, { accept: 'any' });
  if (u.status !== 412) throw new CheckFailure(`PUT without If-Match should answer 412: ${describeExchange(u)}`, 'wrong', 412, u.status);
  const after = await read(c, id);
  if (versionOf(after) === undefined || versionOf(after) !== versionOf(r) || valueOf(after) !== valueOf(r)) {
    throw new CheckFailure(`a PUT refused for its missing If-Match must not change the resource: version "${versionOf(r)}" → "${versionOf(after)}", value ${shown(valueOf(r))} → ${shown(valueOf(after))}`, 'wrong');
  }
}

/** concurrency:lost-update (property) — K concurrent read-modify-write writers that retry on 412 lose no increment. */
export async function checkLostUpdateProperty(c: CheckContext, fx: WriteFixtures, runSeed: number): Promise<void> {
  await assertProperty(fc.asyncProperty(
    fc.integer({ min: 2, max: 6 }).chain((k) => fc.record({
      writers: fc.constant(k),
      barrier: fc.boolean(),
      delaysMs: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: k, maxLength: k }),
    })),
    async ({ writers, barrier: sync, delaysMs }) => {
      const { id } = await fx.observation(0);
      const start = versionOf(await read(c, id));
      const gate = barrier(sync ? writers : 0);
      const results = await Promise.all(delaysMs.map(async (delay) => {
        let arrived = false;
        const arrive = () => { if (!arrived) { arrived = true; gate.arrive(); } };
        try {
          return await readModifyWrite<Json>(c.client, 'Observation', id,
            (o) => withValue(o, (o.valueQuantity?.value ?? 0) + 1), {
              maxAttempts: writers + 3,
              beforePut: async (attempt) => {
                if (attempt === 1 && sync) { arrive(); await gate.opened; }
                if (delay) await new Promise((r) => setTimeout(r, delay));
              },
            });
        } finally { if (sync) arrive(); }
      }));
      const acked = results.filter((r) => r.outcome === 'acknowledged');
      const final = await read(c, id);
      const value = valueOf(final);
      const version = versionOf(final);
      const made = acked.map((r) => r.version);
      const story = `${writers} writers (barrier ${sync}, delays ${delaysMs.join('/')}ms): PUT statuses ${results.map((r) => `[${r.puts.join(',')}]`).join(' ')}; acknowledged ${acked.length}, final value ${shown(value)}, version "${start}" → "${version}"`;
      if (acked.length === 0) throw new CheckFailure(`no write was acknowledged: ${story}`, 'wrong');
      if (value !== acked.length) throw new CheckFailure(`lost update: ${acked.length} increments acknowledged but the counter is ${shown(value)}; ${story}`, 'wrong');
      // Opaque versions: every acknowledged write made a version of its own, and the last one is what a read shows.
      if (made.every((v) => v !== undefined)) {
        if (new Set([start, ...made]).size !== acked.length + 1) throw new CheckFailure(`each acknowledged write should make a version of its own: versions made ${made.map((v) => `"${v}"`).join(', ')} from "${start}"; ${story}`, 'wrong');
        if (version === undefined || !made.includes(version)) throw new CheckFailure(`the version a read shows ("${version}") should be one an acknowledged write made (${made.map((v) => `"${v}"`).join(', ')}); ${story}`, 'wrong');
      }
    },
  ), { numRuns: 12, note: c.note, label: 'lost-update', runSeed });
}

/** concurrency:lost-update (burst) — PUTs sharing one If-Match: exactly one answers 200, the rest 412. */
export async function checkLostUpdateBurst(c: CheckContext, fx: WriteFixtures): Promise<void> {
  const burst = 5;
  const { id } = await fx.observation(0);
  const r = await read(c, id);
  const answers = await Promise.all(Array.from({ length: burst }, (_, i) => c.client.update(withValue(r.body, 100 + i), ifMatchFor(r), { accept: 'any' })));
  const statuses = answers.map((a) => a.status);
  const winners = answers.map((a, i) => (a.status >= 200 && a.status < 300 ? i : -1)).filter((i) => i >= 0);
  const rejected = statuses.filter((st) => st === 412).length;
  if (winners.length !== 1 || rejected !== burst - 1) {
    throw new CheckFailure(`${burst} PUTs with If-Match ${ifMatchFor(r)} should give exactly one 200 and ${burst - 1} × 412, got [${statuses.join(', ')}]`, 'wrong');
  }
  const winner = winners[0]!;
  const after = await read(c, id);
  const made = versionOf(answers[winner]!);
  if (valueOf(after) !== 100 + winner || versionOf(after) === versionOf(r) || (made !== undefined && versionOf(after) !== made)) {
    throw new CheckFailure(`the resource should hold the one acknowledged write (value ${100 + winner}, the version it made${made ? ` "${made}"` : ''}, not "${versionOf(r)}"), holds value ${shown(valueOf(after))} version "${versionOf(after)}"`, 'wrong');
  }
}
