// What the server says about itself (lib/fhir/server-facts.ts), for the search diagnosis: a failed search check says
// whether the param was declared, which tells "not implemented" from "implemented wrongly" — and says nothing about
// declarations when /metadata was not a CapabilityStatement.
//
// SWAP POINT: the run is to read /metadata once into `session().serverFacts`; when that lands, `searchServerFacts`
// returns it and this module's own GET goes.
import type { FhirClient } from '../client/http.ts';
import { serverFactsOf, type ServerFacts } from '../fhir/server-facts.ts';

let facts: Promise<ServerFacts> | undefined;

/** The server's facts, from one GET /metadata per worker. */
export function searchServerFacts(client: FhirClient): Promise<ServerFacts> {
  facts ??= client
    .request('GET', 'metadata', { auth: false, accept: 'any' })
    .then((r) => serverFactsOf(r.status, r.headers['content-type'], r.body))
    .catch((e: Error): ServerFacts => ({ isCapabilityStatement: false, answered: `no answer (${e.message})`, types: {} }));
  return facts;
}
