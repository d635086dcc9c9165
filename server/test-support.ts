// Test-only helpers: a small hand-made matrix, a stand-in search engine, and an HTTP client that holds a token.
import type { Matrix, ResourceCapability, SearchParam } from '../lib/matrix/types.ts';
import { parseFaults } from './faults.ts';
import { type InternalServerOptions, type RunningServer, startServer } from './index.ts';

const ALL = ['create', 'read', 'vread', 'update', 'delete', 'history-instance', 'search-type'];

function param(type: string, name: string, kind: SearchParam['type'], expression: string, declaredByServer = true): SearchParam {
  return {
    name, type: kind, expression, expressionSource: 'server', declaredByServer, declaredByIg: true, tier: 'SHALL',
    capability: `search:${type}:${name}`,
  };
}

function resource(type: string, interactions = ALL, searchParams: SearchParam[] = []): ResourceCapability {
  return {
    type, inServerCS: true, inIgCS: true, profiles: [], interactions, conditionalCreate: false, operations: [],
    searchParams: [param(type, '_id', 'token', 'Resource.id'), ...searchParams], resultParams: [],
  };
}

export function smallMatrix(): Matrix {
  return {
    matrixVersion: 'test', fhirVersion: '5.0.0', ig: { id: 'uz.dhp.core', canonical: 'https://dhp.uz/fhir/core' },
    generatedFrom: {}, tierRules: [], capabilities: [],
    resources: [
      resource('Patient', ALL, [param('Patient', 'family', 'string', 'Patient.name.family')]),
      resource('Observation', ALL, [
        param('Observation', 'status', 'token', 'Observation.status'),
        param('Observation', 'date', 'date', 'Observation.effective', false),
      ]),
      resource('Encounter'), resource('EpisodeOfCare'), resource('Condition'),
      resource('Immunization', ALL.filter((i) => i !== 'delete')),
      resource('AuditEvent', ['create', 'read', 'search-type']),
      resource('CodeSystem', ALL.filter((i) => i !== 'delete')),
      resource('ValueSet', ALL.filter((i) => i !== 'delete')),
    ],
    targets: {
      local: { description: 'embedded', clientAuth: 'client_secret_post', readOnly: false, embedded: true,
        profiles: { playground: { gapsOf: 'playground' }, conformant: { gapsOf: null } } },
      playground: { description: 'playground', clientAuth: 'client_secret_post', readOnly: false, gaps: [
        { capability: 'endpoint:AuditEvent', kind: 'not-enabled', reason: 'AV1', since: '2026-06-03' },
        { capability: 'search:Observation:date', kind: 'unfiltered', reason: 'AV2', since: '2026-06-03' },
        { capability: 'terminology:uz-core', kind: 'not-loaded', reason: 'AV5', since: '2026-06-03' },
      ] },
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Tests read arbitrary JSON shapes. */
  body: any;
}

export interface TestClient {
  server: RunningServer;
  call(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string>; form?: string }): Promise<Reply>;
}

/** Starts a server on a free port and, unless auth is off, fetches a client_credentials token for it. */
export async function startTestServer(opts: InternalServerOptions = {}): Promise<TestClient> {
  const server = await startServer({ matrix: smallMatrix(), quiet: true, ...opts });
  let token = '';
  if (opts.auth !== false) {
    const res = await fetch(server.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: server.clientId, client_secret: server.clientSecret }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  }
  return {
    server,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { Accept: 'application/fhir+json', ...init.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (init.form !== undefined) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        body = init.form;
      } else if (init.body !== undefined) {
        headers['Content-Type'] ??= 'application/fhir+json';
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      }
      const url = path.startsWith('http') ? path : `${server.baseUrl}${path}`;
      const res = await fetch(url, { method, headers, body });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    },
  };
}

/** Runs `fn` against a fresh server (no auth) with the given fault switches on, and stops it. */
export async function withFaults(specs: string[], fn: (c: TestClient) => Promise<void>, opts: InternalServerOptions = {}): Promise<void> {
  const c = await startTestServer({ auth: false, ...opts, faults: parseFaults(specs) });
  try {
    await fn(c);
  } finally {
    await c.server.close();
  }
}

export const observation = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/example-salim' },
  performer: [{ reference: 'Practitioner/example-practitioner' }],
  ...extra,
});

const EOC = 'urn:uuid:a1b2c3d4-5678-90ab-cdef-111111111111';
const ENC = 'urn:uuid:a1b2c3d4-5678-90ab-cdef-222222222222';
const PAT = 'urn:uuid:a1b2c3d4-5678-90ab-cdef-000000000000';

/** The IG's example transaction shape (EpisodeOfCare, Encounter, Observation) plus the Patient they reference. */
export function exampleTransaction(obsOverride: Record<string, unknown> = {}) {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: EOC, resource: { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: PAT } }, request: { method: 'POST', url: 'EpisodeOfCare' } },
      { fullUrl: ENC, resource: { resourceType: 'Encounter', status: 'completed', subject: { reference: PAT }, episodeOfCare: [{ reference: EOC }] }, request: { method: 'POST', url: 'Encounter' } },
      {
        fullUrl: 'urn:uuid:a1b2c3d4-5678-90ab-cdef-333333333333',
        resource: observation({ subject: { reference: PAT }, encounter: { reference: ENC }, ...obsOverride }),
        request: { method: 'POST', url: 'Observation' },
      },
      { fullUrl: PAT, resource: { resourceType: 'Patient', identifier: [{ system: 'https://dhp.uz/fhir/core/sid/pid/uz/ni', value: '30211975910033' }] }, request: { method: 'POST', url: 'Patient' } },
    ],
  };
}
