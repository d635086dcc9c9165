// Drift between the matrix and a live server's /metadata, both ways: what the server declares that the
// matrix lacks (the matrix needs regenerating) and what the matrix expects that the server does not declare.
import type { Matrix } from './types.ts';

interface LiveCapabilityStatement {
  resourceType?: string;
  rest?: { resource?: { type: string; searchParam?: { name: string }[] }[] }[];
}

export interface Drift { clean: boolean; text: string; onlyServer: string[]; onlyMatrix: string[] }

export function diffMatrix(matrix: Matrix, cs: LiveCapabilityStatement): Drift {
  const live = new Set<string>();
  for (const r of cs.rest?.[0]?.resource ?? []) {
    live.add(r.type);
    for (const p of r.searchParam ?? []) live.add(`${r.type}:${p.name}`);
  }
  const mine = new Set<string>();
  for (const r of matrix.resources) {
    mine.add(r.type);
    for (const p of r.searchParams) mine.add(`${r.type}:${p.name}`);
    for (const p of r.resultParams) mine.add(`${r.type}:${p}`);
  }
  const onlyServer = [...live].filter((x) => !mine.has(x)).sort();
  const onlyMatrix = [...mine].filter((x) => !live.has(x)).sort();
  const lines = [
    `server declares, matrix lacks (${onlyServer.length}):`, ...onlyServer.map((x) => `  + ${x}`),
    `matrix expects, server does not declare (${onlyMatrix.length}):`, ...onlyMatrix.map((x) => `  - ${x}`),
  ];
  return { clean: onlyServer.length === 0 && onlyMatrix.length === 0, text: lines.join('\n'), onlyServer, onlyMatrix };
}

export async function compareMatrixWithServer(matrix: Matrix, baseUrl: string): Promise<Drift> {
  const url = `${baseUrl.replace(/\/$/, '')}/metadata`;
  const res = await fetch(url, { headers: { accept: 'application/fhir+json' }, signal: AbortSignal.timeout(30_000) });
  const body = (await res.json().catch(() => null)) as LiveCapabilityStatement | null;
  if (!res.ok || body?.resourceType !== 'CapabilityStatement') {
    throw new Error(`GET ${url} answered ${res.status} without a CapabilityStatement`);
  }
  return diffMatrix(matrix, body);
}
