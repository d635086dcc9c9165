// Composite search semantics: a$b matches only when every component matches on the SAME node of the base expression.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
import type { SearchParam } from '../matrix/types.ts';
import { matcherFor } from './matchers.ts';
import { evaluateNodes } from './nodes.ts';
import { parseValue, splitUnescaped } from './query.ts';
import type { MatchOptions } from './query.ts';

/** One OR-alternative (escaped, `$`-joined) of a composite parameter against a resource. */
export function compositeMatches(resource: object, param: SearchParam, alternative: string, options?: MatchOptions): boolean {
  const components = param.components ?? [];
  if (!param.expression || components.length === 0) {
    throw new SyntaxError(`composite ${param.name} needs a base expression and components`);
  }
  const pieces = splitUnescaped(alternative, '$');
  if (pieces.length !== components.length) {
    throw new SyntaxError(`${param.name} has ${components.length} components, value ${JSON.stringify(alternative)} has ${pieces.length}`);
  }
  const base = param.expression;
  const count = evaluateNodes(resource, base).length;
  // Indexing into the base inside the resource (rather than evaluating on a detached node) keeps fhirpath's type
  // information, which `value.ofType(Quantity)` in a component needs.
  for (let idx = 0; idx < count; idx++) {
    const all = components.every((c, i) => {
      const nodes = evaluateNodes(resource, `(${base})[%idx].select(${c.expression})`, { idx });
      return matcherFor(c.type)(nodes, parseValue(pieces[i], c.type), undefined, options);
    });
    if (all) return true;
  }
  return false;
}
