// FHIRPath evaluation for the oracle: what a search parameter's expression selects from a resource, as plain JSON.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
import fhirpath from 'fhirpath';
import r5 from 'fhirpath/fhir-context/r5/index.js';

type Compiled = (resource: object, vars?: Record<string, unknown>) => unknown[];

const cache = new Map<string, Compiled>();

// R5 expressions narrow polymorphic references with `resolve() is Patient`. resolve() would need the referenced
// resource (and is async in fhirpath.js); a literal reference already names the type, so test that instead.
export function withoutResolve(expression: string): string {
  return expression.replace(
    /resolve\(\)\s+is\s+(?:FHIR\.)?([A-Z][A-Za-z]+)/g,
    (_, type: string) => `(reference.matches('(^|/)${type}/[^/]+(/_history/[^/]+)?$') or type = '${type}')`,
  );
}

function compiled(expression: string): Compiled {
  let fn = cache.get(expression);
  if (!fn) {
    fn = fhirpath.compile(withoutResolve(expression), r5) as Compiled;
    cache.set(expression, fn);
  }
  return fn;
}

/** The nodes `expression` selects in `resource` (JSON values: strings, numbers, booleans, objects). */
export function evaluateNodes(resource: object, expression: string, vars?: Record<string, unknown>): unknown[] {
  return compiled(expression)(resource, vars);
}
