// Verdict messages carry the exchange that proves them: built only from the client's redacted Exchange, so a
// message (which vitest writes raw into JUnit and Allure) can never carry a token, code or secret.
import type { FhirResponse } from '../client/http.ts';
import { redactText } from '../client/redact.ts';

/** `PUT …/Observation/1 → 412 {"resourceType":"OperationOutcome",…}` (redacted, body cut at `max`). */
export function describeExchange(res: Pick<FhirResponse, 'exchange'>, max = 300): string {
  const e = res.exchange;
  const body = (e.response?.body ?? '').replace(/\s+/g, ' ').trim();
  return redactText(`${e.request.method} ${e.request.url} → ${e.response?.status ?? e.error ?? '?'}${body ? ` ${body.length > max ? `${body.slice(0, max)}…` : body}` : ''}`);
}
