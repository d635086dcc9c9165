// What every other check stands on: the server says what it is (/metadata, read once per run by the CLI), and the
// fixtures the write suites need can be created and read back. Both are prerequisites (the matrix's `requires`).
import { describeExchange } from '../fhir/exchange.ts';
import { isR5, type ServerFacts } from '../fhir/server-facts.ts';
import type { WriteFixtures } from '../fixtures/write-fixtures.ts';
import { CheckFailure } from '../verdicts.ts';
import type { CheckContext } from './context.ts';

/** server:capability-statement — judged on the one /metadata answer of the run (no second request). */
export async function checkCapabilityStatement(c: CheckContext, facts: ServerFacts): Promise<void> {
  if (!facts.isCapabilityStatement) {
    throw new CheckFailure(`GET [base]/metadata should answer a CapabilityStatement, answered ${facts.answered ?? 'nothing'}: what the server declares (types, interactions, search parameters) cannot be known`, 'wrong', 'CapabilityStatement', facts.answered);
  }
  if (isR5(facts) === false) c.note(`the server declares fhirVersion ${facts.fhirVersion}, not 5.0.x: R5-only elements and parameters will be missing`);
}

/** server:create-read — a Patient and an Observation referencing it are created (201 with an id) and read back. */
export async function checkCreateRead(c: CheckContext, fx: WriteFixtures): Promise<void> {
  await fx.patient();
  const { id } = await fx.observation(1);
  const read = await c.client.read('Observation', id, { accept: 'any' });
  if (read.status !== 200 || read.body?.id !== id) throw new CheckFailure(`the Observation just created should read back (200 with id ${id}): ${describeExchange(read)}`, 'wrong', 200, read.status);
}
