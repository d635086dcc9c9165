// Drift between the matrix and a live server's /metadata, both ways: what the server declares that the matrix lacks
// (the matrix needs regenerating) and what the matrix expects that the server does not declare — resource types,
// interactions and search parameters, grouped per type so that hundreds of differences read as one table.
// A /metadata that cannot be compared (unreachable, too slow, behind a token, HTML, not a CapabilityStatement) is
// a DriftCheckError with one line saying which, never a stack trace and never "drift found".
import { Agent, request } from 'undici';
import { serverFactsOf, type ServerFacts } from '../fhir/server-facts.ts';
import type { Matrix } from './types.ts';

export class DriftCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriftCheckError';
  }
}

export interface TypeDrift {
  type: string;
  interactions: { added: string[]; removed: string[] };
  params: { added: string[]; removed: string[] };
}

export interface Drift {
  clean: boolean;
  text: string;
  /** Types the server declares and the matrix lacks, and the reverse. */
  types: { added: string[]; removed: string[] };
  /** Per type both declare: what differs. */
  changed: TypeDrift[];
}

const RESULT_PARAM = /^_(rev)?include(:|$)/;

const diff = (live: Iterable<string>, mine: Iterable<string>) => {
  const l = new Set(live), m = new Set(mine);
  return { added: [...l].filter((x) => !m.has(x)).sort(), removed: [...m].filter((x) => !l.has(x)).sort() };
};

export function diffMatrix(matrix: Matrix, facts: ServerFacts): Drift {
  const mine = new Map(matrix.resources.map((r) => [r.type, r]));
  const types = diff(Object.keys(facts.types), mine.keys());
  const changed: TypeDrift[] = [];
  for (const [type, live] of Object.entries(facts.types).sort(([a], [b]) => a.localeCompare(b))) {
    const r = mine.get(type);
    if (!r) continue;
    const d: TypeDrift = {
      type,
      interactions: diff(live.interactions, r.interactions),
      // _include/_revinclude are result parameters (CapabilityStatement.searchInclude in R5; some servers list them
      // as searchParam): not what the matrix judges, and declared so differently that comparing them is noise.
      params: diff(live.searchParams.filter((p) => !RESULT_PARAM.test(p)), r.searchParams.map((p) => p.name)),
    };
    if (d.interactions.added.length + d.interactions.removed.length + d.params.added.length + d.params.removed.length) changed.push(d);
  }
  const clean = !types.added.length && !types.removed.length && !changed.length;
  return { clean, types, changed, text: clean ? 'no drift: the server declares exactly the types, interactions and search parameters of the matrix' : table(types, changed) };
}

/** At most `n` names, then how many more. */
const some = (names: string[], sign: string, n = 6) =>
  names.length ? `${names.slice(0, n).map((x) => `${sign}${x}`).join(' ')}${names.length > n ? ` … +${names.length - n} more` : ''}` : '';

function table(types: Drift['types'], changed: TypeDrift[]): string {
  const sum = (f: (d: TypeDrift) => string[]) => changed.reduce((n, d) => n + f(d).length, 0);
  const lines = [
    `resource types: +${types.added.length} declared by the server, not in the matrix${types.added.length ? `: ${types.added.join(', ')}` : ''}`,
    `                -${types.removed.length} in the matrix, not declared by the server${types.removed.length ? `: ${types.removed.join(', ')}` : ''}`,
  ];
  if (changed.length) {
    const w = Math.max(4, ...changed.map((d) => d.type.length));
    lines.push('', `${'type'.padEnd(w)}  interactions (+server only, -matrix only)   search parameters (+server only, -matrix only)`);
    for (const d of changed) {
      const inter = [some(d.interactions.added, '+'), some(d.interactions.removed, '-')].filter(Boolean).join(' ');
      const params = [d.params.added.length ? `+${d.params.added.length}` : '', d.params.removed.length ? `-${d.params.removed.length}` : ''].filter(Boolean).join('/');
      const names = [some(d.params.added, '+', 4), some(d.params.removed, '-', 4)].filter(Boolean).join(' ');
      lines.push(`${d.type.padEnd(w)}  ${(inter || '·').padEnd(42)} ${params ? `${params}: ${names}` : '·'}`);
    }
  }
  lines.push('', `total: types +${types.added.length} -${types.removed.length}; interactions +${sum((d) => d.interactions.added)} -${sum((d) => d.interactions.removed)}; search parameters +${sum((d) => d.params.added)} -${sum((d) => d.params.removed)} (on ${changed.length} types)`);
  return lines.join('\n');
}

/** GET [base]/metadata and the drift against it; a DriftCheckError when the answer cannot be compared. */
export async function compareMatrixWithServer(matrix: Matrix, baseUrl: string, timeoutMs = 30_000): Promise<Drift> {
  let url: URL;
  try {
    url = new URL(`${baseUrl.replace(/\/$/, '')}/metadata`);
  } catch {
    throw new DriftCheckError(`"${baseUrl}" is not a URL`);
  }
  const dispatcher = new Agent({ connectTimeout: timeoutMs });
  let status: number, contentType: string, text: string;
  try {
    const res = await request(url, { headers: { accept: 'application/fhir+json' }, signal: AbortSignal.timeout(timeoutMs), dispatcher });
    status = res.statusCode;
    contentType = String(res.headers['content-type'] ?? '');
    text = await res.body.text();
  } catch (e) {
    const err = e as Error & { code?: string; cause?: { code?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError' || /timeout/i.test(err.code ?? '')) throw new DriftCheckError(`GET ${url} gave no answer within ${Math.round(timeoutMs / 1000)} s`);
    throw new DriftCheckError(`GET ${url} failed: ${err.code ?? err.cause?.code ?? err.message}`);
  } finally {
    void dispatcher.close();
  }
  if (status === 401 || status === 403) throw new DriftCheckError(`GET ${url} answered ${status}: /metadata wants a token (FHIR servers publish their CapabilityStatement without one), nothing to compare`);
  if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) throw new DriftCheckError(`GET ${url} answered ${status} with an HTML page, not a CapabilityStatement (a login page, proxy or wrong base URL?)`);
  let body: unknown;
  try {
    body = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    throw new DriftCheckError(`GET ${url} answered ${status} with a body that is not JSON (content-type "${contentType || 'none'}")`);
  }
  const facts = serverFactsOf(status, contentType, body);
  if (!facts.isCapabilityStatement) throw new DriftCheckError(`GET ${url} answered ${facts.answered}, not a CapabilityStatement: nothing to compare`);
  return diffMatrix(matrix, facts);
}
