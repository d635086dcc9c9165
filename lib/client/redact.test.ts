import { describe, expect, test } from 'vitest';
import { REDACTED, redactBody, redactHeaders, redactJson, redactText, redactUrl, registerSecret } from './redact.ts';

describe('redaction', () => {
  test('secret headers are replaced whatever their case', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc.def.ghi', Cookie: 'sid=1', accept: 'x' })).toEqual({ authorization: REDACTED, cookie: REDACTED, accept: 'x' });
  });

  test('OAuth form fields are redacted, the grant type is kept', () => {
    const out = redactBody('grant_type=authorization_code&code=abc123&code_verifier=v-123456&client_secret=s3cr3t!', 'application/x-www-form-urlencoded')!;
    expect(out).toContain('grant_type=authorization_code');
    for (const s of ['abc123', 'v-123456', 's3cr3t']) expect(out).not.toContain(s);
  });

  test('a FHIR code is not an OAuth code: Coding.code and ?code= searches stay readable', () => {
    expect(redactJson({ code: { coding: [{ code: '8867-4' }] } })).toEqual({ code: { coding: [{ code: '8867-4' }] } });
    expect(redactUrl('http://h/fhir/Observation?code=8867-4')).toContain('code=8867-4');
    expect(redactUrl('http://h/cb?code=abc123&state=xyz')).not.toContain('abc123');
  });

  test('token response fields are redacted in JSON', () => {
    expect(redactJson({ access_token: 'a.b.c', token_type: 'Bearer', expires_in: 3600 })).toEqual({ access_token: REDACTED, token_type: 'Bearer', expires_in: 3600 });
  });

  test('a registered secret is scrubbed anywhere, also URL-encoded and in base64', () => {
    registerSecret('pa ss/word+1');
    const text = `x pa ss/word+1 ${encodeURIComponent('pa ss/word+1')} ${Buffer.from('pa ss/word+1').toString('base64')}`;
    expect(redactText(text)).toBe(`x ${REDACTED} ${REDACTED} ${REDACTED}`);
  });
});
