// What a suite file creates is deleted when the file is done; what cannot be deleted is named, and the run tag
// lets `dhp-conformance cleanup` sweep it later.
import { afterAll } from 'vitest';
import { CreatedResources } from '../fixtures/teardown.ts';
import type { Session } from '../run/session.ts';
import { scopedHook } from './scope.ts';

export function deletedAfterAll(s: Session): CreatedResources {
  const created = new CreatedResources();
  afterAll(scopedHook('afterAll', async () => {
    const left = await created.deleteAll(s.client, s.matrix);
    if (left.length) console.warn(`teardown: could not delete ${left.join(', ')} (the run tag lets \`dhp-conformance cleanup\` sweep them)`);
  }));
  return created;
}
