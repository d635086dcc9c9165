// Loads capabilities.json, validates it against capabilities.schema.json and cross-checks its references,
// failing with the JSON path of every error (the CLI turns MatrixError into exit code 2).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import type { Capability, Matrix } from './types.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_MATRIX_PATH = join(PROJECT_ROOT, 'capabilities.json');
const SCHEMA_PATH = join(PROJECT_ROOT, 'capabilities.schema.json');

export interface MatrixIssue { path: string; message: string }

export class MatrixError extends Error {
  constructor(readonly file: string, readonly issues: MatrixIssue[]) {
    super(`${file} is not a valid capability matrix:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'MatrixError';
  }
}

export interface LoadedMatrix { matrix: Matrix; file: string; sha256: string }

/** `/targets/local/gaps/0/since` → `$.targets.local.gaps[0].since` */
function jsonPath(pointer: string): string {
  return `$${pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('')}`;
}

function describe(e: ErrorObject): MatrixIssue {
  const at = jsonPath(e.instancePath);
  if (e.keyword === 'additionalProperties') return { path: `${at}.${String(e.params.additionalProperty)}`, message: 'unknown property' };
  if (e.keyword === 'required') return { path: `${at}.${String(e.params.missingProperty)}`, message: 'is required' };
  if (e.keyword === 'enum') return { path: at, message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  return { path: at, message: e.message ?? e.keyword };
}

let validator: ReturnType<Ajv['compile']> | undefined;
function schemaValidator() {
  validator ??= new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  return validator;
}

/** References the schema cannot express: gap ids must name capabilities (an id or an id prefix), confirmed ids must exist, gapsOf must name a target with gaps. */
function crossCheck(m: Matrix): MatrixIssue[] {
  const issues: MatrixIssue[] = [];
  const ids = new Set<string>();
  m.capabilities.forEach((c, i) => {
    if (ids.has(c.id)) issues.push({ path: `$.capabilities[${i}].id`, message: `duplicate capability id "${c.id}"` });
    ids.add(c.id);
  });
  m.capabilities.forEach((c, i) => c.requires?.forEach((r, ri) => {
    if (!ids.has(r)) issues.push({ path: `$.capabilities[${i}].requires[${ri}]`, message: `unknown capability id "${r}"` });
  }));
  const cycle = requiresCycle(m);
  if (cycle) issues.push({ path: `$.capabilities[${cycle.index}].requires`, message: `prerequisites form a cycle: ${cycle.ids.join(' → ')}` });
  m.resources.forEach((r, ri) => r.searchParams.forEach((p, pi) => {
    if (!ids.has(p.capability)) issues.push({ path: `$.resources[${ri}].searchParams[${pi}].capability`, message: `"${p.capability}" is not in $.capabilities` });
  }));
  for (const [name, t] of Object.entries(m.targets)) {
    t.gaps?.forEach((g, gi) => {
      // A gap covers its sub-capabilities (lib/matrix/gaps.ts), so an id prefix that names some is a valid gap.
      if (!ids.has(g.capability) && ![...ids].some((id) => id.startsWith(`${g.capability}:`))) {
        issues.push({ path: `$.targets.${name}.gaps[${gi}].capability`, message: `unknown capability id "${g.capability}" (neither an id nor the prefix of one)` });
      }
    });
    t.confirmed?.forEach((c, ci) => {
      if (!ids.has(c.capability)) issues.push({ path: `$.targets.${name}.confirmed[${ci}].capability`, message: `unknown capability id "${c.capability}"` });
      if (t.gaps?.some((g) => g.capability === c.capability)) issues.push({ path: `$.targets.${name}.confirmed[${ci}]`, message: `"${c.capability}" is both a gap and confirmed working` });
    });
    const refs = [t.gapsOf, ...Object.values(t.profiles ?? {}).map((p) => p.gapsOf)].filter((x): x is string => typeof x === 'string');
    for (const ref of refs) {
      if (!m.targets[ref]?.gaps) issues.push({ path: `$.targets.${name}`, message: `gapsOf "${ref}" names no target with its own gaps` });
    }
    if (t.gaps && t.gapsOf) issues.push({ path: `$.targets.${name}`, message: 'has both gaps and gapsOf' });
    if (t.embedded && (!t.profiles || !t.defaultProfile || !t.profiles[t.defaultProfile])) issues.push({ path: `$.targets.${name}.defaultProfile`, message: 'an embedded target needs profiles and a defaultProfile among them' });
  }
  return issues;
}

/** The first cycle in the `requires` graph (a capability that, through its prerequisites, requires itself). */
function requiresCycle(m: Matrix): { index: number; ids: string[] } | undefined {
  const requires = new Map(m.capabilities.map((c) => [c.id, c.requires ?? []]));
  const done = new Set<string>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (path.includes(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return undefined;
    for (const r of requires.get(id) ?? []) {
      const found = visit(r, [...path, id]);
      if (found) return found;
    }
    done.add(id);
    return undefined;
  };
  for (const [index, c] of m.capabilities.entries()) {
    const ids = visit(c.id, []);
    if (ids) return { index, ids };
  }
  return undefined;
}

/** Every prerequisite of `id`, nearest first, transitively (no duplicates). */
export function prerequisitesOf(m: Pick<Matrix, 'capabilities'>, id: string): string[] {
  const byId = capabilityIndex(m);
  const out = new Set<string>();
  const queue = [...(byId.get(id)?.requires ?? [])];
  while (queue.length) {
    const r = queue.shift()!;
    if (out.has(r)) continue;
    out.add(r);
    queue.push(...(byId.get(r)?.requires ?? []));
  }
  return [...out];
}

// One index per matrix: prerequisitesOf is asked about every capability of a run (thousands) before it starts.
const indexes = new WeakMap<readonly Capability[], Map<string, Capability>>();
/** The matrix's capabilities by id (built once per capabilities array). */
export function capabilityIndex(m: Pick<Matrix, 'capabilities'>): Map<string, Capability> {
  let byId = indexes.get(m.capabilities);
  if (!byId) indexes.set(m.capabilities, (byId = new Map(m.capabilities.map((c) => [c.id, c]))));
  return byId;
}

export function parseMatrix(text: string, file = 'capabilities.json'): LoadedMatrix {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new MatrixError(file, [{ path: '$', message: `not JSON: ${(e as Error).message}` }]);
  }
  const validate = schemaValidator();
  if (!validate(data)) throw new MatrixError(file, (validate.errors ?? []).map(describe));
  const matrix = data as Matrix;
  const issues = crossCheck(matrix);
  if (issues.length) throw new MatrixError(file, issues);
  return { matrix, file, sha256: createHash('sha256').update(text).digest('hex') };
}

export function loadMatrix(file = DEFAULT_MATRIX_PATH): LoadedMatrix {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MatrixError(file, [{ path: '$', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  return parseMatrix(text, file);
}
