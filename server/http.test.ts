// The HTTP edge: error mapping without internals, and the routes outside the FHIR interactions.
import { describe, expect, it } from 'vitest';
import { errorResponse } from './http.ts';
import { fail } from './outcomes.ts';
import { startTestServer } from './test-support.ts';

describe('the HTTP edge', () => {
  it('turns an unexpected error into a 500 OperationOutcome without internals', () => {
    const logged: string[] = [];
    const res = errorResponse(new Error('secret stack detail'), (m) => logged.push(m));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'Internal server error' }] });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(logged[0]).toContain('secret stack detail');
  });

  it('keeps the status and outcome of a known failure, and of any {status, outcome} error (search engine)', () => {
    expect(errorResponse(fail(404, 'not-found', 'x'), () => {}).status).toBe(404);
    const searchError = Object.assign(new Error('bad'), { status: 400, outcome: { resourceType: 'OperationOutcome', issue: [] } });
    expect(errorResponse(searchError, () => {})).toMatchObject({ status: 400, body: { resourceType: 'OperationOutcome' } });
  });

  it('answers 404 outside /fhir, 400 for a badly encoded path, 405 for an unsupported method', async () => {
    const c = await startTestServer({ auth: false });
    try {
      expect((await fetch(c.server.baseUrl.replace(/\/fhir$/, '/elsewhere'))).status).toBe(404);
      expect((await c.call('GET', '/Patient/%E0%A4%A')).status).toBe(400);
      expect((await c.call('PATCH', '/Patient/x')).status).toBe(405);
      expect((await c.call('GET', '')).status).toBe(405);
    } finally {
      await c.server.close();
    }
  });
});
