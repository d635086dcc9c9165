// junit.xml, written from checks.json (the verdicts), not from vitest's pass/fail states: a CI system must see what
// the harness concluded. fail → <failure>; error (transport, harness bug, a check a crashed worker lost) → <error>;
// blocked and not-run → <skipped> with the reason; expected-gap and gap-closed pass (gap-closed fails under
// --strict-gaps), with the reason in <system-out>.
import { writeFileSync } from 'node:fs';
import type { CheckRecord } from '../vitest/checks-reporter.ts';

const xml = (s: string) => s
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function testcase(c: CheckRecord, strictGaps: boolean): string {
  const name = `${c.capability ? `[${c.capability}] ` : ''}${c.title}`;
  const open = `    <testcase name="${xml(name)}" classname="${xml(c.file)}" time="${(c.durationMs / 1000).toFixed(3)}"`;
  const reason = xml(c.reason ?? c.verdict);
  const message = xml((c.reason ?? c.verdict).split('\n')[0]!.slice(0, 500));
  switch (c.verdict) {
    case 'pass': return `${open}/>`;
    case 'fail': return `${open}>\n      <failure message="${message}" type="fail">${reason}</failure>\n    </testcase>`;
    case 'error': return `${open}>\n      <error message="${message}" type="${c.lost ? 'lost' : 'error'}">${reason}</error>\n    </testcase>`;
    case 'blocked':
    case 'not-run': return `${open}>\n      <skipped message="${xml(`${c.verdict}: `)}${message}"/>\n    </testcase>`;
    case 'gap-closed':
      if (strictGaps) return `${open}>\n      <failure message="${message}" type="gap-closed">${reason}</failure>\n    </testcase>`;
      return `${open}>\n      <system-out>${xml(`${c.verdict}: `)}${reason}</system-out>\n    </testcase>`;
    case 'expected-gap': return `${open}>\n      <system-out>${xml(`${c.verdict}: `)}${reason}</system-out>\n    </testcase>`;
  }
}

export function junitXml(checks: readonly CheckRecord[], o: { strictGaps: boolean }): string {
  const files = [...new Set(checks.map((c) => c.file))];
  const count = (cs: readonly CheckRecord[]) => ({
    tests: cs.length,
    failures: cs.filter((c) => c.verdict === 'fail' || (o.strictGaps && c.verdict === 'gap-closed')).length,
    errors: cs.filter((c) => c.verdict === 'error').length,
    skipped: cs.filter((c) => c.verdict === 'blocked' || c.verdict === 'not-run').length,
    time: cs.reduce((t, c) => t + c.durationMs, 0) / 1000,
  });
  const attrs = (n: ReturnType<typeof count>) => `tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${n.time.toFixed(3)}"`;
  const suites = files.map((f) => {
    const cs = checks.filter((c) => c.file === f);
    return `  <testsuite name="${xml(f)}" ${attrs(count(cs))}>\n${cs.map((c) => testcase(c, o.strictGaps)).join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<testsuites name="dhp-conformance" ${attrs(count(checks))}>\n${suites.join('\n')}\n</testsuites>\n`;
}

export function writeJunit(file: string, checks: readonly CheckRecord[], o: { strictGaps: boolean }): void {
  writeFileSync(file, junitXml(checks, o));
}
