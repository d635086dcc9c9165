// Writes a server must refuse without changing anything (FHIR R5 http.html): a body that is not JSON, a resource of
// another type than the endpoint's, an update whose body id is not the URL's, a media type the server cannot read,
// and a body over its size limit. Each carries a marker tag of its own, so "nothing was created" is one search.
import { TransportError, type FhirResponse } from '../client/http.ts';
import { weakETag } from '../fhir/etag.ts';
import { describeExchange } from '../fhir/exchange.ts';
import { createdId } from '../fhir/location.ts';
import { createFixture } from '../fixtures/create.ts';
import { matchIds } from '../fhir/searchset.ts';
import type { Json } from '../fixtures/personas.ts';
import { tagQuery, withRunTag, type Coding } from '../fixtures/run-tag.ts';
import { CheckFailure } from '../verdicts.ts';
import { expectRefused, type LifeEnv, type Stops } from './interactions.ts';


/** The checks write Patients: every target has them. */
const TYPE = 'Patient';

async function markedPatient(env: LifeEnv, label: string): Promise<{ resource: Json; marker: Coding }> {
  const marker = { system: `${env.tag.system}/malformed`, code: env.freshId(`malformed:${label}`) };
  return { resource: withRunTag(await env.make(TYPE), marker), marker };
}

/** Nothing carrying the marker exists on any of the types (a server that accepted the write anyway is caught here). */
async function nothingCreated(env: LifeEnv, marker: Coding, types: string[], answer: FhirResponse): Promise<void> {
  const id = createdId(answer);
  if (id) env.created.add(answer.body?.resourceType ?? TYPE, id);
  for (const type of types) {
    const found = matchIds((await env.client.search(type, [['_tag', tagQuery(marker)]], { accept: 'any' })).body, type);
    for (const f of found) env.created.add(type, f);
    if (found.length) throw new CheckFailure(`the refused write created ${type}/${found.join(', ')} all the same (answer: ${describeExchange(answer)})`, 'wrong');
  }
}

export async function checkInvalidJson(env: LifeEnv): Promise<void> {
  const { resource, marker } = await markedPatient(env, 'invalid-json');
  // A valid resource cut short: the marker is in the text, so a lenient parser that stores it anyway is found.
  const text = JSON.stringify(resource).replace(/\}$/, ',');
  const res = await env.client.request('POST', TYPE, { body: text, accept: 'any' });
  expectRefused(res, `POST ${TYPE} with a body that is not JSON`, 400);
  await nothingCreated(env, marker, [TYPE], res);
}

export async function checkWrongResourceType(env: LifeEnv): Promise<void> {
  const marker = { system: `${env.tag.system}/malformed`, code: env.freshId('malformed:wrong-type') };
  const observation = withRunTag(await env.make('Observation'), marker);
  const res = await env.client.request('POST', TYPE, { body: observation, accept: 'any' });
  expectRefused(res, `POST ${TYPE} with an Observation body`, 400);
  await nothingCreated(env, marker, [TYPE, 'Observation'], res);
}

export async function checkIdMismatch(env: LifeEnv): Promise<void> {
  const { resource } = await markedPatient(env, 'id-mismatch');
  const { id } = await createFixture(env.client, resource, env.tag, env.created);
  const before = await env.client.read(TYPE, id, { accept: 'any' });
  const version = before.body?.meta?.versionId ?? '1';
  const otherId = env.freshId('malformed:other-id');
  const res = await env.client.request('PUT', `${TYPE}/${encodeURIComponent(id)}`, { body: { ...before.body, id: otherId }, headers: { 'if-match': weakETag(version) }, accept: 'any' });
  expectRefused(res, `PUT ${TYPE}/${id} with body id "${otherId}"`, 400);
  const after = await env.client.read(TYPE, id, { accept: 'any' });
  if (after.body?.meta?.versionId !== version) throw new CheckFailure(`the refused PUT changed ${TYPE}/${id} (version ${version} → ${after.body?.meta?.versionId})`, 'wrong');
  const other = await env.client.read(TYPE, otherId, { accept: 'any' });
  if (other.status < 300) {
    env.created.add(TYPE, otherId);
    throw new CheckFailure(`the refused PUT created ${TYPE}/${otherId}: ${describeExchange(other)}`, 'wrong');
  }
}

export async function checkUnsupportedContentType(env: LifeEnv): Promise<void> {
  const { resource, marker } = await markedPatient(env, 'content-type');
  const res = await env.client.request('POST', TYPE, { body: JSON.stringify(resource), headers: { 'content-type': 'text/plain' }, accept: 'any' });
  expectRefused(res, `POST ${TYPE} as text/plain`, 415);
  await nothingCreated(env, marker, [TYPE], res);
}

/** `mib`: the size of the over-the-limit body (DHP_BODY_PROBE_MB, default 20; the reference server takes up to 16 MiB). */
export async function checkBodyTooLarge(env: LifeEnv, stops: Stops, mib: number): Promise<void> {
  const { resource, marker } = await markedPatient(env, 'too-large');
  const div = `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(Math.round(mib * 1024 * 1024))}</div>`;
  const post = () => env.client.request('POST', TYPE, { body: { ...resource, text: { status: 'generated', div } }, accept: 'any', timeoutMs: 120_000 });
  // A kept-alive connection the server closes just as a long upload starts breaks the write (EPIPE): one retry on a
  // fresh connection tells that race from a server that resets every oversized request (reported as an error).
  const res = await post().catch((e: unknown) => {
    if (e instanceof TransportError && e.code === 'network') return post();
    throw e;
  });
  if (res.status < 300) {
    await nothingCreated(env, marker, [], res);
    stops.notRun(`the server accepted a ${mib} MiB ${TYPE}: its body limit, if it has one, is above that (set DHP_BODY_PROBE_MB to probe further)`);
  }
  expectRefused(res, `POST ${TYPE} with a ${mib} MiB body`, 413);
  await nothingCreated(env, marker, [TYPE], res);
}
