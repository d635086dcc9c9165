// `matrix:expression-valid:<Type>:<param>`: the expression a server's CapabilityStatement documents for a search param
// must be FHIRPath over elements R5 has. The platform's own CapabilityStatement documents `Claim.subject` (R4's name)
// for Claim:subject and six more like it (the matrix's `platformExpression`): a finding on that CapabilityStatement.
// The matrix judges the R5 base expression instead; this check reads what the target documents today.
import type { SearchParam } from '../matrix/types.ts';
import { CheckFailure, NotRun } from '../verdicts.ts';
import { nonR5Elements } from './r5-elements.ts';

type Metadata = { rest?: { resource?: { type?: string; searchParam?: { name?: string; documentation?: string }[] }[] }[] };

/**
 * The platform's CapabilityStatement documents a param's expression as `expression: …` (possibly continued on
 * indented lines), an optional `subtype: …` and an optional `(Target)` hint line; composites read `On <base>:` then
 * `  <param>: <expr>` lines. The matrix builder and the expression-valid check read it the same way.
 */
export function parseServerDoc(doc: string | undefined): { expression: string | null; composite?: { base: string; parts: { param: string; expression: string }[] } } {
  if (!doc?.startsWith('expression: ')) return { expression: null };
  const lines = doc.slice('expression: '.length).split('\n');
  const on = /^On (.+):$/.exec(lines[0]!.trim());
  if (on) {
    const parts = lines.slice(1).map((l) => /^\s+([\w-]+): (.+)$/.exec(l)).filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ param: m[1]!, expression: m[2]!.trim() }));
    return { expression: on[1]!, composite: { base: on[1]!, parts } };
  }
  const body = lines.filter((l, i) => i === 0 || !(/^subtype: /.test(l) || /^\([A-Za-z]+\)$/.test(l.trim())));
  return { expression: body.map((l) => l.trim()).join(' ').trim() };
}

/** The documented expression of a param, if any. */
export function documentedExpression(documentation: string | undefined): string | undefined {
  return parseServerDoc(documentation).expression || undefined;
}

export async function checkExpressionValid(metadata: () => Promise<Metadata | undefined>, type: string, param: SearchParam): Promise<void> {
  const cs = await metadata();
  if (!cs) throw new NotRun('/metadata gave no CapabilityStatement to read the expression from');
  const declared = cs.rest?.flatMap((r) => r.resource ?? []).find((r) => r.type === type)?.searchParam?.find((p) => p.name === param.name);
  if (!declared) throw new NotRun(`the server's CapabilityStatement does not declare ${type}:${param.name}`);
  const expression = documentedExpression(declared.documentation);
  if (!expression) throw new NotRun(`the server's CapabilityStatement documents no expression for ${type}:${param.name}`);
  const missing = nonR5Elements(expression, type);
  if (missing.length) {
    throw new CheckFailure(`wrong: the server's CapabilityStatement gives ${type}:${param.name} the expression "${expression}", which names ${missing.join(', ')}: R5 has no such element${missing.length > 1 ? 's' : ''}; the harness judges ${param.expression ? `the R5 base expression "${param.expression}"` : 'nothing (R5 defines no such parameter)'} instead`, 'wrong');
  }
}
