// Values the harness writes into a Must Support element no IG example fills: typed by the R5 model, coded from the
// bound ValueSet (expanded from the IG's CodeSystems), referencing an IG example of a target type where there is one.
// When no honest value exists (a required binding the IG cannot expand, a datatype the harness does not build) the
// answer is a reason, never a made-up value.
import { exampleKey, igIndex, unplantable } from './ig.ts';
import { expand } from './valuesets.ts';

export type Generated = { value: unknown } | { reason: string };

const UCUM = 'http://unitsofmeasure.org';
const MARK = 'dhp-conformance must support';

const PRIMITIVES: Record<string, unknown> = {
  string: MARK, markdown: MARK, uri: 'https://dhp-conformance.uz/ms', url: 'https://dhp-conformance.uz/ms',
  canonical: 'https://dhp-conformance.uz/fhir/ms', boolean: true, integer: 1, positiveInt: 1, unsignedInt: 1, integer64: '1',
  decimal: 1.5, date: '2025-01-15', dateTime: '2025-01-15T10:00:00+05:00', instant: '2025-01-15T10:00:00+05:00', time: '10:00:00',
  id: 'ms1', oid: 'urn:oid:1.2.860.1', uuid: 'urn:uuid:5d1b8a4e-6f2a-4c59-9d3e-2b7f0c1a9e11', base64Binary: 'ZGhw',
};

const quantity = (code: string) => ({ value: 1, unit: code, system: UCUM, code });

const COMPLEX: Record<string, unknown> = {
  Identifier: { system: 'https://dhp-conformance.uz/id', value: 'ms-1' },
  Period: { start: '2025-01-15T10:00:00+05:00', end: '2025-02-15T10:00:00+05:00' },
  Quantity: quantity('mg'), SimpleQuantity: quantity('mg'), Age: quantity('a'), Duration: quantity('d'), Distance: quantity('m'), Count: { value: 1, system: UCUM, code: '1' },
  Range: { low: quantity('mg'), high: quantity('g') },
  Ratio: { numerator: quantity('mg'), denominator: quantity('mL') },
  HumanName: { family: 'Conformance', given: ['Must'] },
  Address: { text: 'Toshkent', city: 'Toshkent', country: 'UZ' },
  ContactPoint: { system: 'phone', value: '+998 71 000 00 00' },
  Attachment: { contentType: 'text/plain', data: 'ZGhw', title: MARK },
  Annotation: { text: MARK },
  Timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
  Money: { value: 1, currency: 'UZS' },
  RelatedArtifact: { type: 'documentation', display: MARK },
  ContactDetail: { name: MARK },
  Expression: { language: 'text/fhirpath', expression: 'true' },
  VirtualServiceDetail: { addressUrl: 'https://dhp-conformance.uz/meet' },
  ExtendedContactDetail: { telecom: [{ system: 'phone', value: '+998 71 000 00 00' }] },
  Availability: { availableTime: [{ allDay: true }] },
  Dosage: { text: MARK },
  UsageContext: { code: { system: 'http://terminology.hl7.org/CodeSystem/usage-context-type', code: 'focus' }, valueCodeableConcept: { text: MARK } },
};

/** The first code of a ValueSet the IG can expand (undefined: it cannot). */
export function firstCode(valueSet: string | undefined): { system: string; code: string; display?: string } | undefined {
  const vs = valueSet ? expand(valueSet) : undefined;
  return vs?.codes[0] ?? vs?.known?.[0];
}

/** A reference to an IG example of one of the target types (rewritten to the run's copy), else a logical reference. */
function reference(targets: readonly string[], creatable: ReadonlySet<string>): unknown {
  const example = igIndex().examples.find((e) => targets.includes(e.resourceType) && !unplantable(exampleKey(e), creatable));
  return example ? { reference: `${example.resourceType}/${example.id}` } : { identifier: { system: 'https://dhp-conformance.uz/id', value: 'ms-ref' }, display: MARK };
}

/**
 * Extensions defined outside spec/ig (HL7's) whose shape the harness knows, by url: a value for a Must Support slice of
 * them when no IG example carries one.
 */
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

export const KNOWN_EXTENSIONS: Readonly<Record<string, Record<string, unknown>>> = {
  [DATA_ABSENT_REASON]: { valueCode: 'unknown' },
  'http://hl7.org/fhir/StructureDefinition/translation': { extension: [{ url: 'lang', valueCode: 'uz' }, { url: 'content', valueString: MARK }] },
  'http://hl7.org/fhir/StructureDefinition/patient-citizenship': { extension: [{ url: 'code', valueCodeableConcept: { coding: [{ system: 'urn:iso:std:iso:3166', code: 'UZ' }] } }] },
};

export interface ValueRequest {
  type: string;
  binding?: { strength: string; valueSet?: string };
  /** Reference / canonical target resource types. */
  targets?: readonly string[];
  /** Types the target can create: a reference points only at IG examples of these. */
  creatable?: ReadonlySet<string>;
}

export function generate(r: ValueRequest): Generated {
  const code = firstCode(r.binding?.valueSet);
  const strict = r.binding?.strength === 'required';
  if (strict && !code && ['code', 'Coding', 'CodeableConcept', 'CodeableReference', 'string', 'uri'].includes(r.type)) {
    return { reason: `bound (required) to ${r.binding!.valueSet}, whose codes spec/ig cannot list` };
  }
  switch (r.type) {
    case 'code': return code ? { value: code.code } : { reason: 'a code with no bound ValueSet to take it from' };
    case 'Coding': return { value: code ? { system: code.system, code: code.code } : { system: 'https://dhp-conformance.uz/cs', code: 'ms' } };
    case 'CodeableConcept': return { value: code ? { coding: [{ system: code.system, code: code.code }] } : { text: MARK } };
    case 'CodeableReference': return { value: { concept: code ? { coding: [{ system: code.system, code: code.code }] } : { text: MARK } } };
    case 'Reference': return { value: reference(r.targets ?? [], r.creatable ?? new Set()) };
    default:
      if (code && (r.type === 'string' || r.type === 'uri')) return { value: code.code };
      if (r.type in PRIMITIVES) return { value: PRIMITIVES[r.type] };
      if (r.type in COMPLEX) return { value: structuredClone(COMPLEX[r.type]) };
      return { reason: `the harness builds no ${r.type} value` };
  }
}
