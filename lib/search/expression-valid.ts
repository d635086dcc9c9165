// `matrix:expression-valid:<Type>:<param>`: the expression a server's CapabilityStatement documents for a search param
// must be FHIRPath over elements R5 has. The platform's own CapabilityStatement documents `Claim.subject` (R4's name)
// for Claim:subject and six more like it (the matrix's `platformExpression`): a finding on that CapabilityStatement.
// The matrix judges the R5 base expression instead; this check reads what the target documents today.
import type { SearchParam } from '../matrix/types.ts';
import { CheckFailure, NotRun } from '../verdicts.ts';
import { nonR5Elements } from './r5-elements.ts';

type Metadata = { rest?: { resource?: { type?: string; searchParam?: { name?: string; documentation?: string }[] }[] }[] };

/** The documented expression (`expression: …`, possibly continued on indented lines, up to `subtype:`), if any. */
export function documentedExpression(documentation: string | undefined): string | undefined {
  if (!documentation?.startsWith('expression: ')) return undefined;
  const lines = documentation.slice('expression: '.length).split('\n');
  const body = lines.filter((l, i) => i === 0 || !(/^subtype: /.test(l) || /^\([A-Za-z]+\)$/.test(l.trim())));
  return body.map((l) => l.trim()).join(' ').trim() || undefined;
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
