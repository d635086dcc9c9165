// allure-results holds one JSON file per check (thousands in a full run, 1-2 KB each, mostly passes): after the run
// they are packed into allure-results.tgz — one file, a twentieth of the size, quick to upload as a CI artifact.
// `npm run report` unpacks it to build the report; `tar -xzf allure-results.tgz` gives the folder back for other tools.
// The system's tar is used (GNU tar on Linux, bsdtar on macOS and Windows); without one the folder stays as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const ALLURE_DIR = 'allure-results';
export const ALLURE_PACK = 'allure-results.tgz';

/** Packs <runDir>/allure-results into allure-results.tgz; returns false (folder kept) when tar is not there. */
export function packAllureResults(runDir: string): boolean {
  if (!existsSync(join(runDir, ALLURE_DIR))) return false;
  const r = spawnSync('tar', ['-czf', ALLURE_PACK, ALLURE_DIR], { cwd: runDir, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    rmSync(join(runDir, ALLURE_PACK), { force: true });
    return false;
  }
  rmSync(join(runDir, ALLURE_DIR), { recursive: true, force: true });
  return true;
}

/** Unpacks a run's allure-results.tgz into `intoDir` (which then holds allure-results/); false when there is none. */
export function unpackAllureResults(runDir: string, intoDir: string): boolean {
  const pack = join(runDir, ALLURE_PACK);
  if (!existsSync(pack)) return false;
  const r = spawnSync('tar', ['-xzf', pack, '-C', intoDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`cannot unpack ${pack}: ${r.stderr.toString().trim()}`);
  return true;
}
