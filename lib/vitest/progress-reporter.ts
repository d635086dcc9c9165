// The console of a conformance run (instead of vitest's default reporter, which prints the harness's own stack frames
// for every failing check): a progress line per suite — checks done of those collected, failing so far — at most
// every few seconds and when the suite ends; module errors and unhandled errors in one line each. What the suites
// log goes to worker.log in the run folder. `--verbose` brings vitest's default reporter back.
import { appendFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule, TestSpecification } from 'vitest/node';
import { redactText } from '../client/redact.ts';
import { progressLine, type SuiteProgress } from '../report/console.ts';

export interface ProgressOptions {
  runDir: string;
  /** The suite of a capability id (from the matrix); the file name decides when it does not know. */
  suiteOf?: (capability: string) => string | undefined;
  intervalMs?: number;
  write?: (line: string) => void;
}

const BROKEN = new Set(['fail', 'error']);
/** `suites/search-params-2.suite.ts` → `search-params-2`; its tests' capabilities usually say better. */
const fileSuite = (moduleId: string) => basename(moduleId).replace(/\.suite\.ts$/, '');

export default class ProgressReporter implements Reporter {
  private readonly suites = new Map<string, SuiteProgress & { modules: Set<string>; ended: Set<string>; printedAt: number }>();
  private readonly started = Date.now();
  private readonly write: (line: string) => void;

  constructor(private readonly o: ProgressOptions) {
    this.write = o.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  private suiteOfModule(m: TestModule): string {
    for (const t of m.children.allTests()) {
      const id = t.meta().capability;
      const s = id && (this.o.suiteOf?.(id) ?? id.split(':')[0]);
      if (s) return s;
    }
    return fileSuite(m.moduleId);
  }

  private entry(m: TestModule) {
    const name = this.suiteOfModule(m);
    let s = this.suites.get(name);
    if (!s) this.suites.set(name, (s = { suite: name, done: 0, total: 0, failing: 0, finished: false, modules: new Set(), ended: new Set(), printedAt: 0 }));
    return s;
  }

  private readonly moduleSuite = new Map<string, string>();
  /** Suite files not collected yet: a suite is finished only once every file is known (a later one may add to it). */
  private uncollected = 0;

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.uncollected = specifications.length;
  }

  onTestModuleCollected(m: TestModule): void {
    this.uncollected--;
    // A suite file with nothing to run here (DHP_SEARCH_TYPES left it no type) gets no line.
    if (![...m.children.allTests()].length) return;
    const s = this.entry(m);
    this.moduleSuite.set(m.moduleId, s.suite);
    s.modules.add(m.moduleId);
    s.total += [...m.children.allTests()].length;
  }

  onTestCaseResult(t: TestCase): void {
    const s = this.suites.get(this.moduleSuite.get(t.module.moduleId) ?? '');
    if (!s) return;
    s.done++;
    const verdict = t.meta().verdict ?? (t.result().state === 'failed' ? 'error' : undefined);
    if (verdict && BROKEN.has(verdict)) s.failing++;
    if (Date.now() - s.printedAt >= (this.o.intervalMs ?? 5000)) this.print(s);
  }

  onTestModuleEnd(m: TestModule): void {
    const error = m.errors()[0];
    if (error) this.write(`  ✗ ${fileSuite(m.moduleId)}: the suite file failed: ${redactText(error.message.split('\n')[0]!)}`);
    const s = this.suites.get(this.moduleSuite.get(m.moduleId) ?? '');
    if (!s) return;
    s.ended.add(m.moduleId);
    if ([...s.modules].every((id) => s.ended.has(id))) {
      s.finished = this.uncollected <= 0;
      this.print(s);
    }
  }

  onUserConsoleLog(log: { content: string; type: string }): void {
    appendFileSync(join(this.o.runDir, 'worker.log'), redactText(`[${log.type}] ${log.content}`));
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<SerializedError>): void {
    for (const s of this.suites.values()) {
      if (s.finished) continue;
      s.finished = true;
      this.print(s);
    }
    for (const e of errors.slice(0, 10)) this.write(`  ✗ unhandled error: ${redactText(String(e.message).split('\n')[0]!)}`);
    if (errors.length > 10) this.write(`  … ${errors.length - 10} more unhandled errors (run with --verbose)`);
  }

  private print(s: SuiteProgress & { printedAt: number }): void {
    s.printedAt = Date.now();
    this.write(progressLine(s, s.printedAt - this.started));
  }
}
