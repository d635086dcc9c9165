// A vitest reporter that writes every check's verdict (from task.meta) to <run>/checks.json, from which the CLI builds
// results.json and junit.xml. A check that died before it could set a verdict is an error; a check a crashed worker
// never finished is an error of the harness, marked `lost`, with a reason naming the crash — never an empty reason
// and 0 ms passing silently. vitest's unhandled errors (a worker that exited, an exception outside any check) are
// recorded too, so the run reports itself incomplete.
import { join, relative } from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';
import type { Verdict } from '../verdicts.ts';
import { redactText } from '../client/redact.ts';
import { writeJsonRecords } from '../report/json-file.ts';

export interface CheckRecord {
  capability?: string;
  title: string;
  file: string;
  verdict: Verdict;
  reason?: string;
  evidence?: string;
  flaky: boolean;
  durationMs: number;
  /** Verdict blocked: the prerequisite capability that failed (the root cause). */
  blockedBy?: string;
  /** Verdict expected-gap: the id of the gap that excused it. */
  gap?: string;
  /** The harness lost this check (its worker crashed before it finished): the run is incomplete. */
  lost?: boolean;
}

/** One line for an error, with its cause (vitest's "Worker forks emitted error" is caused by "Worker exited unexpectedly"). */
function firstLine(e: { message?: string; name?: string; cause?: unknown } | undefined): string | undefined {
  if (!e) return undefined;
  const cause = (e.cause as { message?: string } | undefined)?.message;
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? ''}`.split('\n')[0] + (cause ? ` — ${cause.split('\n')[0]}` : '');
}

/** The reason of a check the harness lost. */
export function lostReason(file: string, cause: string | undefined): string {
  return `harness error: the vitest worker running ${file} ${cause ? `failed (${cause})` : 'stopped'} before this check finished — the check never ran to a verdict; the run is incomplete (a failure of the harness, not of the server)`;
}

export default class ChecksReporter implements Reporter {
  constructor(private readonly runDir: string) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    const checks: CheckRecord[] = [];
    const crash = firstLine(unhandledErrors[0]);
    for (const m of modules) {
      const file = relative(process.cwd(), m.moduleId);
      const moduleError = firstLine(m.errors()[0]);
      for (const t of m.children.allTests()) {
        const meta = t.meta();
        const result = t.result();
        let verdict: Verdict | undefined = meta.verdict;
        let reason = meta.reason;
        let lost = false;
        if (!verdict) {
          if (result.state === 'pending') {
            verdict = 'error';
            lost = true;
            reason = lostReason(file, moduleError ?? crash);
          } else {
            verdict = result.state === 'skipped' ? 'not-run' : result.state === 'passed' ? 'pass' : 'error';
            reason ??= firstLine(result.errors?.[0]) ?? (result.state === 'skipped' ? 'skipped' : moduleError ?? crash);
          }
        } else if (verdict === 'pass' && result.state === 'failed') {
          // A hook (afterEach, teardown) failed after the check itself passed.
          verdict = 'error';
          reason = firstLine(result.errors?.[0]);
        }
        checks.push({
          capability: meta.capability, title: t.fullName, file, verdict,
          reason: reason && redactText(reason), evidence: meta.evidence,
          flaky: !!meta.flaky || (t.diagnostic()?.retryCount ?? 0) > 0, durationMs: Math.round(t.diagnostic()?.duration ?? 0),
          ...(meta.blockedBy && { blockedBy: meta.blockedBy }), ...(meta.gap && { gap: meta.gap }), ...(lost && { lost }),
        });
      }
      if (moduleError && ![...m.children.allTests()].length) {
        checks.push({ title: `${file} (module)`, file, verdict: 'error', reason: redactText(lostReason(file, moduleError)), flaky: false, durationMs: 0, lost: true });
      }
    }
    for (const e of unhandledErrors) {
      checks.push({ title: `(unhandled error) ${firstLine(e) ?? 'unknown'}`, file: '(run)', verdict: 'error', reason: redactText(`harness error outside any check: ${firstLine(e) ?? 'unknown'}`), flaky: false, durationMs: 0, lost: true });
    }
    writeJsonRecords(join(this.runDir, 'checks.json'), checks);
  }
}
