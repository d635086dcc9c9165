// A vitest reporter that writes every check's verdict (from task.meta) to <run>/checks.json, from which
// the CLI builds results.json. A test that died before it could set a verdict counts as an error.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import type { Verdict } from '../verdicts.ts';
import { redactText } from '../client/redact.ts';

export interface CheckRecord {
  capability?: string;
  title: string;
  file: string;
  verdict: Verdict;
  reason?: string;
  evidence?: string;
  flaky: boolean;
  durationMs: number;
}

export default class ChecksReporter implements Reporter {
  constructor(private readonly runDir: string) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const checks: CheckRecord[] = [];
    for (const m of modules) {
      const file = relative(process.cwd(), m.moduleId);
      const moduleError = m.errors()[0]?.message;
      for (const t of m.children.allTests()) {
        const meta = t.meta();
        const result = t.result();
        let verdict: Verdict | undefined = meta.verdict;
        let reason = meta.reason;
        if (!verdict) {
          verdict = result.state === 'skipped' ? 'not-run' : result.state === 'passed' ? 'pass' : 'error';
          reason ??= result.errors?.[0]?.message ?? (result.state === 'skipped' ? 'skipped' : moduleError);
        } else if (verdict === 'pass' && result.state === 'failed') {
          // A hook (afterEach, teardown) failed after the check itself passed.
          verdict = 'error';
          reason = result.errors?.[0]?.message;
        }
        checks.push({
          capability: meta.capability, title: t.fullName, file, verdict,
          reason: reason && redactText(reason), evidence: meta.evidence,
          flaky: !!meta.flaky || (t.diagnostic()?.retryCount ?? 0) > 0, durationMs: Math.round(t.diagnostic()?.duration ?? 0),
        });
      }
      if (moduleError && ![...m.children.allTests()].length) {
        checks.push({ title: `${file} (module)`, file, verdict: 'error', reason: redactText(moduleError), flaky: false, durationMs: 0 });
      }
    }
    writeFileSync(join(this.runDir, 'checks.json'), `${JSON.stringify(checks, null, 2)}\n`);
  }
}
