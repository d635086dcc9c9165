// `:missing` is the same for every type, so each matcher delegates here instead of repeating it.
import type { ParsedValue } from './query.ts';

// Spec: "Tests whether the value in a resource is present (when the supplied parameter value is true)
// or absent (when the supplied parameter value is false)." — read literally that is inverted; the
// modifier's name and every implementation mean: missing=true ⇒ no value, missing=false ⇒ a value.
export function matchesMissing(targetNodes: unknown[], query: ParsedValue): boolean {
  if (query.value !== 'true' && query.value !== 'false') {
    throw new SyntaxError(`:missing takes true or false, got ${JSON.stringify(query.value)}`);
  }
  return (targetNodes.length === 0) === (query.value === 'true');
}
