import { expect, test } from 'vitest';
import { registerSecret } from '../client/redact.ts';
import { describeExchange } from './exchange.ts';

const res = (body: string) => ({
  exchange: {
    seq: 1, startedAt: '', durationMs: 1, attempt: 1,
    request: { method: 'PUT', url: 'http://h/fhir/Observation/1', headers: {} },
    response: { status: 412, headers: {}, body },
  },
});

test('method, URL, status and the body on one line', () => {
  expect(describeExchange(res('{\n  "resourceType": "OperationOutcome"\n}'))).toBe('PUT http://h/fhir/Observation/1 → 412 { "resourceType": "OperationOutcome" }');
});

test('long bodies are cut; registered secrets never appear', () => {
  registerSecret('s3cret-value-xyz');
  const text = describeExchange(res(`token s3cret-value-xyz ${'x'.repeat(500)}`), 50);
  expect(text).not.toContain('s3cret-value-xyz');
  expect(text.endsWith('…')).toBe(true);
});
