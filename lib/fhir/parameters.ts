// The Parameters resource operations take and return (R5 parameters.html): reading named values and parts, and
// building an input body. A value is read from whichever value[x] the server chose.

export interface Coding { system?: string; code?: string; display?: string }

export interface ParametersParameter {
  name: string;
  part?: ParametersParameter[];
  resource?: unknown;
  [valueX: string]: unknown;
}

export interface ParametersResource { resourceType: 'Parameters'; parameter?: ParametersParameter[] }

export function isParameters(body: unknown): body is ParametersResource {
  return !!body && (body as { resourceType?: unknown }).resourceType === 'Parameters';
}

/** The value[x] of a parameter or part, whatever its type. */
export function valueOf(p: ParametersParameter | undefined): unknown {
  if (!p) return undefined;
  const key = Object.keys(p).find((k) => k.startsWith('value'));
  return key ? p[key] : undefined;
}

/** Every parameter (or part) with this name. */
export function all(from: ParametersResource | ParametersParameter | undefined, name: string): ParametersParameter[] {
  const list: ParametersParameter[] = (from && 'resourceType' in from ? (from as ParametersResource).parameter : (from as ParametersParameter | undefined)?.part) ?? [];
  return list.filter((p) => p.name === name);
}

/** The value of the first parameter (or part) with this name. */
export function value(from: ParametersResource | ParametersParameter | undefined, name: string): unknown {
  return valueOf(all(from, name)[0]);
}

/** An input parameter: the FHIR type decides the value[x] it is sent as. */
export type Input = [name: string, value: string | number | boolean | Coding, type: 'uri' | 'code' | 'string' | 'integer' | 'boolean' | 'canonical' | 'Coding'];

const VALUE_KEY = { uri: 'valueUri', code: 'valueCode', string: 'valueString', integer: 'valueInteger', boolean: 'valueBoolean', canonical: 'valueCanonical', Coding: 'valueCoding' } as const;

export function parametersBody(inputs: readonly Input[]): ParametersResource {
  return { resourceType: 'Parameters', parameter: inputs.map(([name, v, type]) => ({ name, [VALUE_KEY[type]]: v })) };
}

/** The same inputs as a query string, for the GET form of an operation (which cannot carry a Coding). */
export function queryOf(inputs: readonly Input[]): URLSearchParams {
  const q = new URLSearchParams();
  for (const [name, v, type] of inputs) {
    if (type === 'Coding') throw new Error(`parameter ${name} is a Coding: the GET form of an operation takes only primitive values`);
    q.append(name, String(v));
  }
  return q;
}
