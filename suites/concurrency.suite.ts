// Concurrency (API access page, "Concurrency"): optimistic locking with weak ETags and If-Match.
// Thin: the read-modify-write client, ETag parsing and the outcome checks live in lib/fhir/.
import fc from 'fast-check';
import { describe } from 'vitest';
import { describeExchange } from '../lib/fhir/exchange.ts';
import { etagVersion, parseETag } from '../lib/fhir/etag.ts';
import { describeOutcome, hasErrorIssue } from '../lib/fhir/operation-outcome.ts';
import { barrier, ifMatchFor, readModifyWrite, versionOf } from '../lib/fhir/optimistic-lock.ts';
import { createFixture, once } from '../lib/fixtures/create.ts';
import { bodyWeight, patientSalim, type Json } from '../lib/fixtures/personas.ts';
import { assertProperty } from '../lib/property/run.ts';
import { session } from '../lib/run/session.ts';
import { deletedAfterAll } from '../lib/vitest/teardown.ts';
import { capabilityTest, type Check } from '../lib/vitest/capability.ts';
import { CheckFailure } from '../lib/verdicts.ts';

const s = session();
const created = deletedAfterAll(s);
const writes = { writes: true } as const;

const patient = once(() => createFixture(s.client, patientSalim(), s.ctx.tag, created));

/** A fresh body-weight Observation whose value is the counter the checks change. */
async function observation(value = 0) {
  const p = await patient();
  return createFixture(s.client, bodyWeight(p.ref, value), s.ctx.tag, created);
}

const withValue = (r: Json, value: number): Json => ({ ...r, valueQuantity: { ...r.valueQuantity, value } });

async function read(c: Check, id: string) {
  const res = await c.client.read('Observation', id, { accept: 'any' });
  if (res.status !== 200) throw new CheckFailure(`reading Observation/${id} should answer 200: ${describeExchange(res)}`);
  return res;
}

/** Creates an Observation, updates it once with If-Match, and sends a second write with the first (now stale) ETag. */
async function staleWrite(c: Check) {
  const { id } = await observation(1);
  const first = await read(c, id);
  const update = await c.client.update(withValue(first.body, 2), ifMatchFor(first), { accept: 'any' });
  if (update.status !== 200) throw new CheckFailure(`setup: PUT with the current If-Match should answer 200: ${describeExchange(update)}`);
  const before = await read(c, id);
  const stale = await c.client.update(withValue(first.body, 99), ifMatchFor(first), { accept: 'any' });
  const after = await read(c, id);
  return { id, staleIfMatch: ifMatchFor(first), before, stale, after };
}

describe.concurrent('Every read returns the resource\'s current version as a weak ETag', () => {
  capabilityTest('concurrency:weak-etag', 'A read and an update both return the version as a weak ETag W/"n"', async (c) => {
    const { id } = await observation();
    const r = await read(c, id);
    if (!parseETag(r.headers.etag)?.weak) throw new CheckFailure(`a read should return a weak ETag W/"n", got ${r.headers.etag ? `"${r.headers.etag}"` : 'no ETag'}: ${describeExchange(r)}`, 'wrong');
    const u = await c.client.update(withValue(r.body, 1), ifMatchFor(r), { accept: 'any' });
    if (u.status !== 200) throw new CheckFailure(`PUT with the current If-Match should answer 200: ${describeExchange(u)}`);
    if (!parseETag(u.headers.etag)?.weak) throw new CheckFailure(`an update should return a weak ETag W/"n", got ${u.headers.etag ? `"${u.headers.etag}"` : 'no ETag'}: ${describeExchange(u)}`, 'wrong');
  }, writes);

  capabilityTest('concurrency:etag-matches-version', 'The ETag of a read names the version in meta.versionId', async (c) => {
    const { id } = await observation();
    const r = await read(c, id);
    const tag = parseETag(r.headers.etag);
    const versionId = r.body?.meta?.versionId;
    if (!tag || tag.value !== versionId) throw new CheckFailure(`ETag ${r.headers.etag ?? '(none)'} should name meta.versionId "${versionId}"`, 'wrong', versionId, tag?.value);
  }, writes);
});

describe.concurrent('To update safely, send that value back in an If-Match header; the version then increments', () => {
  capabilityTest('concurrency:update-with-if-match', 'PUT with the current If-Match returns 200 and the next version W/"n+1"', async (c) => {
    const { id } = await observation();
    const r = await read(c, id);
    const n = versionOf(r);
    if (n === undefined) throw new CheckFailure(`a read should carry its version (ETag or meta.versionId): ${describeExchange(r)}`, 'wrong');
    const u = await c.client.update(withValue(r.body, 5), ifMatchFor(r), { accept: 'any' });
    if (u.status !== 200) throw new CheckFailure(`PUT with If-Match ${ifMatchFor(r)} should answer 200: ${describeExchange(u)}`, 'wrong', 200, u.status);
    const tagged = etagVersion(u.headers.etag);
    if (tagged !== n + 1) throw new CheckFailure(`the update's ETag should name version ${n + 1} (W/"${n + 1}"), got ${u.headers.etag ?? 'none'}`, 'wrong', n + 1, tagged);
    const after = await read(c, id);
    if (versionOf(after) !== n + 1 || after.body?.meta?.versionId !== String(n + 1)) {
      throw new CheckFailure(`after the update a read should show version ${n + 1}, got ETag ${after.headers.etag} / meta.versionId ${after.body?.meta?.versionId}`, 'wrong');
    }
    if (after.body?.valueQuantity?.value !== 5) throw new CheckFailure(`the update should be applied (valueQuantity.value 5), read ${after.body?.valueQuantity?.value}`, 'wrong');
  }, writes);
});

describe.concurrent('If someone else changed the resource since you read it, the write is rejected - nothing is overwritten', () => {
  capabilityTest('concurrency:stale-if-match-412', 'PUT with a stale If-Match returns 412 with an OperationOutcome (issue code invalid)', async (c) => {
    const { stale, staleIfMatch } = await staleWrite(c);
    if (stale.status !== 412) throw new CheckFailure(`PUT with the stale If-Match ${staleIfMatch} should answer 412: ${describeExchange(stale)}`, 'wrong', 412, stale.status);
    if (!hasErrorIssue(stale.body, 'invalid')) throw new CheckFailure(`the 412 should carry an OperationOutcome with an error issue of code "invalid", got ${describeOutcome(stale.body)}: ${describeExchange(stale)}`, 'wrong');
  }, writes);

  capabilityTest('concurrency:stale-write-no-change', 'PUT with a stale If-Match returns 412 and leaves the resource unchanged', async (c) => {
    const { before, after, stale } = await staleWrite(c);
    // Two reads that carry nothing would compare equal: the read before must show the setup's write.
    if (versionOf(before) === undefined || before.body?.valueQuantity?.value !== 2) {
      throw new CheckFailure(`setup: after the update a read should carry a version and value 2: ${describeExchange(before)}`, 'wrong');
    }
    const was = { version: before.body?.meta?.versionId, value: before.body?.valueQuantity?.value };
    const now = { version: after.body?.meta?.versionId, value: after.body?.valueQuantity?.value };
    if (was.version !== now.version || was.value !== now.value) {
      throw new CheckFailure(`a rejected stale write must change nothing: before version ${was.version} value ${was.value}, after version ${now.version} value ${now.value} (stale PUT answered ${stale.status})`, 'wrong', was, now);
    }
  }, writes);
});

describe.concurrent('The platform requires If-Match on every update', () => {
  capabilityTest('concurrency:if-match-required', 'PUT without If-Match is rejected with 412', async (c) => {
    const { id } = await observation();
    const r = await read(c, id);
    const u = await c.client.update(withValue(r.body, 7), undefined, { accept: 'any' });
    if (u.status !== 412) throw new CheckFailure(`PUT without If-Match should answer 412: ${describeExchange(u)}`, 'wrong', 412, u.status);
    const after = await read(c, id);
    if (versionOf(after) === undefined || versionOf(after) !== versionOf(r) || after.body?.valueQuantity?.value !== r.body?.valueQuantity?.value) {
      throw new CheckFailure(`a PUT rejected for its missing If-Match must not change the resource: version ${versionOf(r)} → ${versionOf(after)}, value ${r.body?.valueQuantity?.value} → ${after.body?.valueQuantity?.value}`, 'wrong');
    }
  }, writes);
});

describe.concurrent('Two clients updating the same resource cannot silently overwrite one another (lost update)', () => {
  capabilityTest('concurrency:lost-update', 'Concurrent read-modify-write writers that retry on 412 lose no increment (property)', async (c) => {
    await assertProperty(fc.asyncProperty(
      fc.integer({ min: 2, max: 6 }).chain((k) => fc.record({
        writers: fc.constant(k),
        barrier: fc.boolean(),
        delaysMs: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: k, maxLength: k }),
      })),
      async ({ writers, barrier: sync, delaysMs }) => {
        const { id } = await observation(0);
        const start = versionOf(await read(c, id))!;
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
        const acked = results.filter((r) => r.outcome === 'acknowledged').length;
        const final = await read(c, id);
        const value = final.body?.valueQuantity?.value;
        const version = versionOf(final);
        const story = `${writers} writers (barrier ${sync}, delays ${delaysMs.join('/')}ms): PUT statuses ${results.map((r) => `[${r.puts.join(',')}]`).join(' ')}; acknowledged ${acked}, final value ${value}, version ${start}→${version}`;
        if (acked === 0) throw new CheckFailure(`no write was acknowledged: ${story}`, 'wrong');
        if (value !== acked) throw new CheckFailure(`lost update: ${acked} increments acknowledged but the counter is ${value}; ${story}`, 'wrong');
        if (version !== start + acked) throw new CheckFailure(`meta.versionId should be ${start} + ${acked} acknowledged writes = ${start + acked}, is ${version}; ${story}`, 'wrong');
      },
    ), { numRuns: 12, note: c.note, label: 'lost-update' });
  }, { ...writes, timeout: 120_000 });

  capabilityTest('concurrency:lost-update', 'A burst of PUTs sharing one If-Match: exactly one answers 200, the rest 412', async (c) => {
    const burst = 5;
    const { id } = await observation(0);
    const r = await read(c, id);
    const answers = await Promise.all(Array.from({ length: burst }, (_, i) => c.client.update(withValue(r.body, 100 + i), ifMatchFor(r), { accept: 'any' })));
    const statuses = answers.map((a) => a.status);
    const winners = answers.map((a, i) => (a.status >= 200 && a.status < 300 ? i : -1)).filter((i) => i >= 0);
    const rejected = statuses.filter((st) => st === 412).length;
    if (winners.length !== 1 || rejected !== burst - 1) {
      throw new CheckFailure(`${burst} PUTs with If-Match ${ifMatchFor(r)} should give exactly one 200 and ${burst - 1} × 412, got [${statuses.join(', ')}]`, 'wrong');
    }
    const after = await read(c, id);
    if (after.body?.valueQuantity?.value !== 100 + winners[0]! || versionOf(after) !== versionOf(r)! + 1) {
      throw new CheckFailure(`the resource should hold the one acknowledged write (value ${100 + winners[0]!}, version ${versionOf(r)! + 1}), holds value ${after.body?.valueQuantity?.value} version ${versionOf(after)}`, 'wrong');
    }
  }, writes);
});
