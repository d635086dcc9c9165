// `dhp-conformance compare a/results.json b/results.json`: the verdicts that flip between two runs, with both seeds.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../lib/config/target.ts';
import { EXIT, type Results } from '../lib/report/results.ts';
import { compareRuns, formatComparison } from '../lib/report/seed-flips.ts';

function readResults(file: string): Results {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Results;
  } catch (e) {
    throw new ConfigError(`cannot read ${file} as results.json: ${(e as Error).message}`);
  }
}

export function compare(a: string, b: string, strict: boolean): number {
  const c = compareRuns(readResults(a), readResults(b));
  for (const line of formatComparison(c)) console.log(line);
  return strict && c.flips.length ? EXIT.failures : EXIT.conformant;
}
