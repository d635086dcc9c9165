// The client side of optimistic locking, as the API access page prescribes it: "On a 412, re-read the
// resource, re-apply your change on top of the new version, and PUT again" — always sending back the ETag
// from the last read in If-Match. Bounded: a writer gives up after `maxAttempts` clashes.
import { etagVersion, weakETag } from './etag.ts';

export interface Answer { status: number; headers: Record<string, string>; body: any }

/** What read-modify-write needs of a FHIR client (FhirClient fits). */
export interface VersionedClient {
  read(type: string, id: string, o?: { accept?: 'json' | 'any' }): Promise<Answer>;
  update(resource: { resourceType: string; id?: string }, ifMatch: string | undefined, o?: { accept?: 'json' | 'any' }): Promise<Answer>;
}

export interface RmwResult {
  /** acknowledged: a PUT answered 2xx; exhausted: every attempt clashed (412); rejected: any other answer. */
  outcome: 'acknowledged' | 'exhausted' | 'rejected';
  attempts: number;
  /** Status of the last PUT (or of the read that failed). */
  status: number;
  /** Statuses of every PUT, in order (for counterexamples). */
  puts: number[];
  /** acknowledged: the version the acknowledged PUT created (its ETag, else its body's meta.versionId), if it named one. */
  version?: string;
}

export interface RmwOptions {
  maxAttempts?: number;
  /** Runs between the read and the PUT of each attempt (a barrier or delay that widens the race window). */
  beforePut?: (attempt: number) => Promise<void>;
}

/** The If-Match value for a read: its ETag, or W/"versionId" when the server sent none. */
export function ifMatchFor(read: Answer): string | undefined {
  return read.headers.etag ?? (read.body?.meta?.versionId ? weakETag(read.body.meta.versionId) : undefined);
}

/** Version of a read or write answer, as an opaque string: the ETag's, else meta.versionId. */
export function versionOf(answer: Answer): string | undefined {
  const v = etagVersion(answer.headers.etag) ?? answer.body?.meta?.versionId;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export async function readModifyWrite<T extends { resourceType: string; id?: string }>(
  client: VersionedClient, type: string, id: string, change: (current: T) => T, o: RmwOptions = {},
): Promise<RmwResult> {
  const max = o.maxAttempts ?? 8;
  const puts: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const read = await client.read(type, id, { accept: 'any' });
    if (read.status !== 200) return { outcome: 'rejected', attempts: attempt, status: read.status, puts };
    await o.beforePut?.(attempt);
    const put = await client.update(change(structuredClone(read.body) as T), ifMatchFor(read), { accept: 'any' });
    puts.push(put.status);
    if (put.status >= 200 && put.status < 300) return { outcome: 'acknowledged', attempts: attempt, status: put.status, puts, version: versionOf(put) };
    if (put.status !== 412) return { outcome: 'rejected', attempts: attempt, status: put.status, puts };
    if (attempt >= max) return { outcome: 'exhausted', attempts: attempt, status: put.status, puts };
  }
}

/** A one-shot barrier for `parties` writers: `arrive()` then `await opened`; leaving early also counts. */
export function barrier(parties: number): { arrive: () => void; opened: Promise<void> } {
  let left = parties;
  let open!: () => void;
  const opened = new Promise<void>((r) => { open = r; });
  if (left <= 0) open();
  return { arrive: () => { if (--left === 0) open(); }, opened };
}
