// What a suite file creates is deleted when the file is done; what cannot be deleted is named, and the run tag
// lets `dhp-conformance cleanup` sweep it later.
import { afterAll } from 'vitest';
import { leftoversWarning, type CreatedResources } from '../fixtures/teardown.ts';
import type { Session } from '../run/session.ts';
import { scopedHook } from './scope.ts';

/** Deletes `created` after the suite file (or describe) it is called in. */
export function deleteAfterAll(s: Session, created: CreatedResources): void {
  afterAll(scopedHook('afterAll', async () => {
    const warning = leftoversWarning(await created.deleteAll(s.client, s.matrix));
    if (warning) console.warn(warning);
  }));
}
