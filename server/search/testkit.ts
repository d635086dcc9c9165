// Test helpers for the engine's own tests (not used at runtime): a hand-made Matrix and a one-call engine.
import Database from 'better-sqlite3';
import type { Resource } from 'fhir/r5.js';
import type { Matrix, SearchParam, SearchParamType, CompositeComponent } from '../../lib/matrix/types.ts';
import type { FaultName, FaultSet } from '../faults.ts';
import { createSearchEngine, type SearchEngine, type SearchEngineOptions } from './engine.ts';

export function sp(name: string, type: SearchParamType, expression: string | null, extra: Partial<SearchParam> = {}): SearchParam {
  return {
    name, type, expression, expressionSource: 'r5', declaredByServer: true, declaredByIg: true,
    tier: 'SHALL', capability: `search:X:${name}`, ...extra,
  };
}

export function comp(param: string, type: CompositeComponent['type'], expression: string): CompositeComponent {
  return { param, type, expression };
}

export function makeMatrix(resources: Record<string, SearchParam[]>): Matrix {
  return {
    matrixVersion: 'test', fhirVersion: '5.0.0', ig: { id: 'test', canonical: 'http://example.org' }, generatedFrom: {},
    tierRules: [], capabilities: [], targets: {},
    resources: Object.entries(resources).map(([type, searchParams]) => ({
      type, inServerCS: true, inIgCS: true, profiles: [], interactions: ['search-type'], conditionalCreate: false,
      operations: [], searchParams, resultParams: ['_include', '_revinclude'],
    })),
  };
}

export const TEST_MATRIX = makeMatrix({
  Patient: [
    sp('name', 'string', 'Patient.name'),
    sp('family', 'string', 'Patient.name.family'),
    sp('address', 'string', 'Patient.address'),
    sp('address-city', 'string', 'Patient.address.city'),
    sp('identifier', 'token', 'Patient.identifier'),
    sp('gender', 'token', 'Patient.gender'),
    sp('active', 'token', 'Patient.active'),
    sp('telecom', 'token', 'Patient.telecom'),
    sp('email', 'token', "Patient.telecom.where(system='email')"),
    sp('birthdate', 'date', 'Patient.birthDate'),
    sp('general-practitioner', 'reference', 'Patient.generalPractitioner', { targets: ['Organization', 'Practitioner', 'PractitionerRole'] }),
    sp('organization', 'reference', 'Patient.managingOrganization', { targets: ['Organization'] }),
    sp('_has', 'special', null),
  ],
  Observation: [
    sp('code', 'token', 'Observation.code'),
    sp('status', 'token', 'Observation.status'),
    sp('category', 'token', 'Observation.category'),
    sp('date', 'date', '(Observation.effective.ofType(dateTime) | Observation.effective.ofType(Period) | Observation.effective.ofType(Timing) | Observation.effective.ofType(instant))'),
    sp('subject', 'reference', "Observation.subject.where(reference.contains('Patient/'))", { targets: ['Patient'] }),
    sp('performer', 'reference', 'Observation.performer'),
    sp('value-quantity', 'quantity', 'Observation.value.ofType(Quantity) | Observation.value.ofType(SampledData)'),
    sp('value-string', 'string', 'Observation.value.ofType(string)'),
    sp('combo-code-value-quantity', 'composite', 'Observation | Observation.component', {
      components: [comp('combo-code', 'token', 'code'), comp('combo-value-quantity', 'quantity', 'value.ofType(Quantity)')],
    }),
    sp('component-code', 'token', 'Observation.component.code'),
  ],
  RiskAssessment: [sp('probability', 'number', 'RiskAssessment.prediction.probability.ofType(decimal)')],
  ValueSet: [sp('url', 'uri', 'ValueSet.url'), sp('reference', 'uri', 'ValueSet.compose.include.system')],
  Consent: [sp('patient', 'reference', 'Consent.subject.where(resolve() is Patient)', { targets: ['Patient'] })],
  Questionnaire: [sp('definition', 'reference', 'Questionnaire.derivedFrom', { targets: ['Questionnaire'] })],
});

/** Parses `a=1&b:exact=2` WITHOUT percent-decoding (test values are written as already decoded). */
export function pairs(query: string): [string, string][] {
  if (!query) return [];
  return query.split('&').map((kv) => {
    const i = kv.indexOf('=');
    return (i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)]) as [string, string];
  });
}

export interface Kit {
  engine: SearchEngine;
  db: Database.Database;
  /** Matching ids for a query string (strict off unless asked). */
  ids(type: string, query: string, strict?: boolean): string[];
  add(...resources: Resource[]): void;
}

let stamp = Date.parse('2024-01-01T00:00:00Z');

export function kit(opts: { matrix?: Matrix; unfiltered?: string[]; faults?: [FaultName, string][] } & Pick<SearchEngineOptions, 'valueSet' | 'hierarchy'> = {}): Kit {
  const db = new Database(':memory:');
  const faults: FaultSet = new Map(opts.faults ?? []);
  const engine = createSearchEngine(db, opts.matrix ?? TEST_MATRIX, { unfiltered: new Set(opts.unfiltered ?? []), faults, valueSet: opts.valueSet, hierarchy: opts.hierarchy });
  return {
    engine,
    db,
    ids: (type, query, strict = false) => engine.search(type, pairs(query), { strict }).ids,
    add: (...resources) => {
      for (const r of resources) {
        const withMeta = { ...r, meta: { lastUpdated: new Date((stamp += 1000)).toISOString(), ...r.meta } } as Resource;
        engine.index(r.resourceType, r.id!, withMeta);
      }
    },
  };
}
