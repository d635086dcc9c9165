// Search parameter registry: the matrix's params per type, FHIRPath compiled once with the R5 model.
// Independent of lib/search (the harness oracle): never import from there.

import fhirpath from 'fhirpath';
import r5 from 'fhirpath/fhir-context/r5/index.js';
import type { Matrix, SearchParamType } from '../../lib/matrix/types.ts';

/** Evaluates on a resource or on a node returned by another evaluation; returns fhirpath nodes (internal types). */
export type Evaluator = (node: unknown) => unknown[];

export type ValueKind = Exclude<SearchParamType, 'composite' | 'special'>;

export interface ComponentDef {
  param: string;
  kind: ValueKind | 'special';
  expression: string;
  evaluate: Evaluator | null;
  error?: string;
}

export interface ParamDef {
  type: string;
  name: string;
  kind: SearchParamType;
  expression: string | null;
  /** null when there is no expression or it did not compile (then `error` says why). */
  evaluate: Evaluator | null;
  error?: string;
  targets?: string[];
  components?: ComponentDef[];
}

/** R5 common params every resource has; added when the matrix does not list them for a type. */
const COMMON: { name: string; kind: SearchParamType; expression: string }[] = [
  { name: '_id', kind: 'token', expression: 'Resource.id' },
  { name: '_lastUpdated', kind: 'date', expression: 'Resource.meta.lastUpdated' },
  { name: '_tag', kind: 'token', expression: 'Resource.meta.tag' },
  { name: '_security', kind: 'token', expression: 'Resource.meta.security' },
  { name: '_profile', kind: 'uri', expression: 'Resource.meta.profile' },
];

/**
 * `resolve()` is asynchronous in fhirpath.js; the R5 expressions only use it as `resolve() is Type` to pick references
 * to a type. That is rewritten to a test on the reference string (relative `Type/id` or absolute `…/Type/id`).
 */
export function rewriteExpression(expr: string): string {
  return expr.replace(
    /resolve\(\)\s+is\s+([A-Z][A-Za-z]+)/g,
    (_m, t: string) => `(reference.startsWith('${t}/') or reference.contains('/${t}/'))`,
  );
}

function compileOnce(expr: string): Evaluator {
  const fn = fhirpath.compile(rewriteExpression(expr), r5 as never, { resolveInternalTypes: false });
  return (node) => fn(node as never) as unknown[];
}

/** Compiles an expression; one that does not compile is reported (the param then behaves as unknown). */
export function compileExpression(expr: string): { evaluate: Evaluator | null; error?: string } {
  try {
    return { evaluate: compileOnce(expr) };
  } catch (e) {
    return { evaluate: null, error: (e as Error).message.replace(/ expecting \{.*$/s, '') };
  }
}

export class ParamRegistry {
  private readonly byType = new Map<string, Map<string, ParamDef>>();
  private readonly resources: Map<string, Matrix['resources'][number]>;

  constructor(matrix: Matrix) {
    this.resources = new Map(matrix.resources.map((r) => [r.type, r]));
  }

  /** Compiles a type's expressions on first use: compiling all ~1,400 up front would cost the server's start-up. */
  private defs(type: string): Map<string, ParamDef> | undefined {
    const cached = this.byType.get(type);
    if (cached) return cached;
    const r = this.resources.get(type);
    if (!r) return undefined;
    const defs = new Map<string, ParamDef>();
    for (const p of r.searchParams) {
      const compiled = p.expression ? compileExpression(p.expression) : { evaluate: null, error: 'no expression' };
      defs.set(p.name, {
        type: r.type,
        name: p.name,
        kind: p.type,
        expression: p.expression,
        evaluate: p.type === 'special' ? null : compiled.evaluate,
        error: p.type === 'special' ? 'special parameters are not supported' : compiled.error,
        targets: p.targets,
        components: p.components?.map((c) => {
          const cc = compileExpression(c.expression);
          return { param: c.param, kind: c.type, expression: c.expression, evaluate: cc.evaluate, error: cc.error };
        }),
      });
    }
    for (const c of COMMON) {
      if (!defs.has(c.name)) {
        defs.set(c.name, { type: r.type, name: c.name, kind: c.kind, expression: c.expression, ...compileExpression(c.expression) });
      }
    }
    this.byType.set(r.type, defs);
    return defs;
  }

  get(type: string, name: string): ParamDef | undefined {
    return this.defs(type)?.get(name);
  }

  params(type: string): ParamDef[] {
    return [...(this.defs(type)?.values() ?? [])];
  }

  types(): string[] {
    return [...this.resources.keys()];
  }

  /** Whether the engine can evaluate the param (expression compiled; every composite component compiled and typed). */
  usable(def: ParamDef): boolean {
    if (!def.evaluate) return false;
    if (def.kind === 'composite') {
      return !!def.components?.length && def.components.every((c) => c.evaluate && c.kind !== 'special');
    }
    return def.kind !== 'special';
  }

  /**
   * Every expression that failed to compile: `Type:name[$component]: message` (the param then behaves as unknown).
   */
  compileFailures(): string[] {
    const out: string[] = [];
    for (const type of this.resources.keys()) {
      for (const d of this.defs(type)!.values()) {
        if (d.expression && d.kind !== 'special' && !d.evaluate) out.push(`${d.type}:${d.name}: ${d.error}`);
        for (const c of d.components ?? []) if (!c.evaluate) out.push(`${d.type}:${d.name}$${c.param}: ${c.error}`);
      }
    }
    return out;
  }
}
