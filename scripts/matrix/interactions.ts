// The RESTful interaction capabilities of the matrix: one per interaction a type's CapabilityStatement entry declares
// (`interaction:<Type>:<code>`), and one per interaction it does not declare (`interaction:<Type>:<code>:refused`):
// a server that silently carries out what it says it does not do is as wrong as one that refuses what it claims.
import { INTERACTIONS, type InteractionCode } from '../../lib/checks/interactions.ts';
import type { Capability, ResourceCapability } from '../../lib/matrix/types.ts';

const R5_HTTP = 'FHIR R5 http.html';

const TITLES: Record<InteractionCode, (type: string) => string> = {
  create: (t) => `POST [base]/${t} answers 201 with Location [base]/${t}/[id]/_history/[vid], a weak ETag and meta.versionId/lastUpdated`,
  read: (t) => `GET [base]/${t}/[id] answers 200 with the resource and its ETag; an unknown id answers 404 with an OperationOutcome`,
  update: (t) => `PUT [base]/${t}/[id] with If-Match applies the change and answers 200 with the next version's ETag`,
  vread: (t) => `GET [base]/${t}/[id]/_history/[vid] returns that version, not the current one`,
  'history-instance': (t) => `GET [base]/${t}/[id]/_history lists every version, newest first, with a correct total`,
  'search-type': (t) => `GET [base]/${t}?_id=[id] finds exactly that ${t}`,
  delete: (t) => `DELETE [base]/${t}/[id] answers 200/204; a read then answers 410 (or 404), the history is kept, and a PUT without If-Match is refused with 412`,
};

const SOURCES: Record<InteractionCode, string> = {
  create: `${R5_HTTP} §create; API access page, Concurrency (weak ETag)`,
  read: `${R5_HTTP} §read; API access page, Concurrency ("Every read returns the resource's current version as a weak ETag")`,
  update: `${R5_HTTP} §update; API access page, Concurrency (If-Match)`,
  vread: `${R5_HTTP} §vread`,
  'history-instance': `${R5_HTTP} §history`,
  'search-type': `${R5_HTTP} §search`,
  delete: `${R5_HTTP} §delete; API access page, Concurrency ("The platform requires If-Match on every update")`,
};

export function interactionCapabilities(resources: readonly ResourceCapability[]): Capability[] {
  return resources.flatMap((r) => {
    const where = r.inServerCS ? 'platform CapabilityStatement' : 'IG CapabilityStatement';
    return INTERACTIONS.map((code): Capability => r.interactions.includes(code)
      ? { id: `interaction:${r.type}:${code}`, tier: 'SHALL', suite: 'interactions', title: TITLES[code](r.type), source: `${where} (${r.type} declares ${code}); ${SOURCES[code]}` }
      : {
        id: `interaction:${r.type}:${code}:refused`, tier: 'SHOULD', suite: 'interactions',
        title: `${code} on ${r.type}, which the CapabilityStatement does not declare, is refused with a 4xx OperationOutcome and changes nothing`,
        source: `${where} (${r.type} does not declare ${code}); ${R5_HTTP} (405 Method Not Allowed for an interaction a type does not support)`,
      });
  });
}
