// The advisory Uzbek apostrophe check against the reference server: it passes where the shapes are folded, and it is
// blocked (not failed) when family search itself is ignored — the advisory never stands in for the parameter.
import { expect, test } from 'vitest';
import { FhirClient } from '../lib/client/http.ts';
import { runTag } from '../lib/fixtures/run-tag.ts';
import { checkUzbekApostrophes } from '../lib/search/apostrophes.ts';
import { plantShape } from '../lib/search/shape.ts';
import { Blocked } from '../lib/verdicts.ts';
import { parseFaults } from '../server/faults.ts';
import { startTestServer } from '../server/test-support.ts';

async function withServer(faults: string[], fn: (client: FhirClient) => Promise<void>): Promise<void> {
  const c = await startTestServer({ auth: false, faults: parseFaults(faults) });
  try {
    await fn(new FhirClient({ baseUrl: c.server.baseUrl }));
  } finally {
    await c.server.close();
  }
}

test('a server that folds ʻ ʼ \' ‘ ’ ` finds the family name typed with any of them', async () => {
  await withServer([], async (client) => {
    const f = await plantShape(client, runTag('apostrophes-pass'), { add: () => {} });
    expect(f.apostrophe.family).toMatch(/^Oʻgʻiloy/);
    await expect(checkUzbekApostrophes(client, f)).resolves.toBeUndefined();
  });
});

test('when family search is ignored, the advisory is blocked by search:Patient:family', async () => {
  await withServer(['ignore-param=Patient:family'], async (client) => {
    const f = await plantShape(client, runTag('apostrophes-blocked'), { add: () => {} });
    const e = await checkUzbekApostrophes(client, f).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Blocked);
    expect((e as Blocked).prerequisite).toBe('search:Patient:family');
  });
});
