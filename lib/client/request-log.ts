// The run's request log: one JSON line per attempt (scope, method, path, status, when it was issued, granted a
// permit and answered) and one per scope (kind, enclosing suites, name), written by each process to its own file
// under <run>/requests/. It holds no query strings, bodies or headers: nothing there can carry a secret. The
// benchmark reads it for requests/s and the critical path (lib/run/critical-path.ts). Once the run is over the CLI
// gzips each file (packRequestLog): the log of a full run is ~5 MB of JSON lines, ~0.5 MB packed.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RequestScope, ScopeKind } from './scope.ts';

export interface RequestRecord {
  /** Scope id (see lib/client/scope.ts); `proc:<pid>` outside any scope. */
  s: string;
  m: string;
  /** Path below the origin, without the query. */
  p: string;
  /** Status; 0 = no answer (network error, timeout). */
  st: number;
  /** Epoch ms (fractional): request() called, permit granted, answer read. */
  i: number;
  g: number;
  e: number;
  /** Attempt (1 = first). */
  a: number;
}

export interface ScopeRecord { scope: string; kind: ScopeKind; suites: string[]; name: string }

export const nowMs = (): number => performance.timeOrigin + performance.now();

const FLUSH_LINES = 256;

export class RequestLog {
  private lines: string[] = [];
  private readonly seen = new Set<string>();
  private timer?: NodeJS.Timeout;
  private readonly file: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${process.pid}.jsonl`);
    process.once('exit', () => this.flush());
  }

  request(r: RequestRecord, scope: RequestScope | undefined): void {
    if (scope && !this.seen.has(scope.id)) {
      this.seen.add(scope.id);
      this.lines.push(JSON.stringify({ scope: scope.id, kind: scope.kind, suites: scope.suites, name: scope.name } satisfies ScopeRecord));
    }
    this.lines.push(JSON.stringify(r));
    if (this.lines.length >= FLUSH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 500).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.lines.length) return;
    appendFileSync(this.file, `${this.lines.join('\n')}\n`);
    this.lines = [];
  }
}

/** Every request and scope record a run's processes wrote. */
export function readRequestLog(dir: string): { requests: RequestRecord[]; scopes: Map<string, ScopeRecord> } {
  const requests: RequestRecord[] = [];
  const scopes = new Map<string, ScopeRecord>();
  let files: string[] = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.jsonl') || f.endsWith('.jsonl.gz')); } catch { /* no request was logged */ }
  for (const f of files) {
    const bytes = readFileSync(join(dir, f));
    for (const line of (f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split('\n')) {
      if (!line) continue;
      const rec = JSON.parse(line) as RequestRecord | ScopeRecord;
      if ('scope' in rec) scopes.set(rec.scope, rec);
      else requests.push(rec);
    }
  }
  return { requests, scopes };
}

/** Gzips every process's log of a finished run (`<pid>.jsonl` → `<pid>.jsonl.gz`); readRequestLog reads either. */
export function packRequestLog(dir: string): void {
  let files: string[] = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')); } catch { return; }
  for (const f of files) {
    writeFileSync(join(dir, `${f}.gz`), gzipSync(readFileSync(join(dir, f))));
    rmSync(join(dir, f));
  }
}
