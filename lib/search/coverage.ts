// Search coverage: which of the matrix's search params the suite judged (tested) and why the others were not run.
// Each suite file (vitest worker) writes its part; every part write re-merges all parts into
// <runDir>/search-coverage.json (atomic rename), so the last file to finish leaves the complete picture.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Matrix } from '../matrix/types.ts';
import { relatedKindOf } from './related.ts';
import { jsonRecords } from '../report/json-file.ts';

export interface ParamCoverage {
  type: string;
  name: string;
  capability: string;
  paramType: string;
  status: 'tested' | 'not-run';
  reason?: string;
  /** Where the planter wrote the values (`Observation.effective(dateTime)`). */
  where?: string;
  /** Labels of the sub-checks run. */
  checks: string[];
  /** A system|code query is what tells the decoy from the match (a server ignoring token systems fails it). */
  systemDiscriminated?: boolean;
  /** Names of the further planted resources (`case-only`, `straddle`…: plant-leaf.ts), each aimed at one wrong implementation. */
  extras?: string[];
}

export interface SearchCoverage {
  generatedAt: string;
  /** Types the run selected (DHP_SEARCH_TYPES), or null for all. */
  selectedTypes: string[] | null;
  total: { params: number; tested: number; percent: number };
  byType: Record<string, { params: number; tested: number }>;
  notRun: { capability: string; reason: string }[];
  params: ParamCoverage[];
  /** The searches across references, :missing and the terminology modifiers, per kind (related.ts RelatedKind). */
  related: {
    total: { capabilities: number; tested: number; percent: number };
    byKind: Record<string, { capabilities: number; tested: number }>;
    notRun: { capability: string; reason: string }[];
    /** Every such capability with its kind and whether it was tested. */
    capabilities: { capability: string; kind: string; status: 'tested' | 'not-run' }[];
  };
}

export function mergeCoverage(matrix: Matrix, parts: ParamCoverage[][], selectedTypes: string[] | null): SearchCoverage {
  const known = new Map(parts.flat().map((p) => [p.capability, p]));
  const params: ParamCoverage[] = [];
  for (const r of matrix.resources) {
    if (selectedTypes && !selectedTypes.includes(r.type)) continue;
    for (const p of r.searchParams) {
      params.push(known.get(p.capability) ?? { type: r.type, name: p.name, capability: p.capability, paramType: p.type, status: 'not-run', reason: 'not reached (its suite file did not finish)', checks: [] });
    }
  }
  const byType: SearchCoverage['byType'] = {};
  for (const p of params) {
    const t = (byType[p.type] ??= { params: 0, tested: 0 });
    t.params++;
    if (p.status === 'tested') t.tested++;
  }
  const tested = params.filter((p) => p.status === 'tested').length;
  const related: SearchCoverage['related'] = { total: { capabilities: 0, tested: 0, percent: 0 }, byKind: {}, notRun: [], capabilities: [] };
  for (const c of matrix.capabilities) {
    const kind = relatedKindOf(c.id);
    const type = c.id.split(':')[1]!;
    if (!kind || (selectedTypes && !selectedTypes.includes(type) && !known.has(c.id))) continue;
    const k = (related.byKind[kind] ??= { capabilities: 0, tested: 0 });
    k.capabilities++;
    related.total.capabilities++;
    const seen = known.get(c.id);
    related.capabilities.push({ capability: c.id, kind, status: seen?.status === 'tested' ? 'tested' : 'not-run' });
    if (seen?.status === 'tested') { k.tested++; related.total.tested++; continue; }
    related.notRun.push({ capability: c.id, reason: seen?.reason ?? c.notTested ?? 'not reached (its suite file did not finish, or the type that plants it was not selected)' });
  }
  related.total.percent = related.total.capabilities ? Math.round((related.total.tested / related.total.capabilities) * 1000) / 10 : 0;
  return {
    generatedAt: new Date().toISOString(),
    selectedTypes,
    total: { params: params.length, tested, percent: params.length ? Math.round((tested / params.length) * 1000) / 10 : 0 },
    byType,
    notRun: params.filter((p) => p.status === 'not-run').map((p) => ({ capability: p.capability, reason: p.reason ?? '' })),
    params,
    related,
  };
}

/** Writes this file's part and re-merges all parts; returns the merged coverage. */
export function writeCoverage(runDir: string, part: string, mine: ParamCoverage[], matrix: Matrix, selectedTypes: string[] | null): SearchCoverage {
  const dir = join(runDir, 'search-coverage.parts');
  mkdirSync(dir, { recursive: true });
  // Atomic, like the merged file: another worker merging now must not read half a part (and drop it).
  const partTmp = join(dir, `.${part}.${process.pid}.tmp`);
  writeFileSync(partTmp, JSON.stringify(mine));
  renameSync(partTmp, join(dir, `${part}.json`));
  return mergeParts(runDir, matrix, selectedTypes);
}

/**
 * Merges every part written so far into search-coverage.json. Workers merge as they finish; the CLI merges once
 * more after the last worker, so two merges that interleaved cannot leave a part out of the final file.
 */
export function mergeParts(runDir: string, matrix: Matrix, selectedTypes: string[] | null): SearchCoverage {
  const dir = join(runDir, 'search-coverage.parts');
  const parts = (existsSync(dir) ? readdirSync(dir) : []).filter((f) => f.endsWith('.json')).map((f) => {
    try { return JSON.parse(readFileSync(join(dir, f), 'utf8')) as ParamCoverage[]; } catch { return []; }
  });
  const merged = mergeCoverage(matrix, parts, selectedTypes);
  const tmp = join(runDir, `.search-coverage.${process.pid}.tmp`);
  writeFileSync(tmp, jsonRecords(merged));
  renameSync(tmp, join(runDir, 'search-coverage.json'));
  return merged;
}

export function readCoverage(runDir: string): SearchCoverage | undefined {
  const f = join(runDir, 'search-coverage.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as SearchCoverage) : undefined;
}

export function formatCoverage(c: SearchCoverage): string {
  const lines = [`search coverage: ${c.total.tested}/${c.total.params} params tested (${c.total.percent} %)${c.selectedTypes ? ` — types ${c.selectedTypes.join(',')}` : ''}`];
  for (const [type, t] of Object.entries(c.byType)) lines.push(`  ${type.padEnd(28)} ${t.tested}/${t.params}`);
  const r = c.related;
  if (r?.total.capabilities) {
    lines.push(`searches across references and :missing: ${r.total.tested}/${r.total.capabilities} capabilities tested (${r.total.percent} %)`);
    for (const [kind, k] of Object.entries(r.byKind)) lines.push(`  ${kind.padEnd(28)} ${k.tested}/${k.capabilities}`);
  }
  return lines.join('\n');
}
