// The node:http edge: turns requests into FhirRequest values, and every answer or thrown error into one response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Resource } from 'fhir/r5.js';
import { FhirError, asFhirError, badRequest, fail } from './outcomes.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** The largest request body the server takes (R5 http.html: a body over it is answered 413 with an OperationOutcome). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Media types a resource body may be sent as (R5 http.html §Content Types; `application/json+fhir` is the DSTU2 spelling). */
const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json+fhir'];
const FORM_TYPE = 'application/x-www-form-urlencoded';

export interface FhirRequest {
  method: string;
  /** Path segments below the FHIR base, URL-decoded. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, or undefined when there is none. */
  body: unknown;
  /** Form-encoded body (POST _search, operations). */
  form?: URLSearchParams;
}

export interface FhirResponse {
  status: number;
  body?: Resource;
  headers?: Record<string, string>;
}

export function header(req: FhirRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Reads the body; past the limit it keeps draining (without keeping anything) so the client, still sending, gets a
 * clean 413 instead of a reset connection.
 */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw fail(413, 'too-costly', `Request body of ${size} bytes is over the limit of ${MAX_BODY_BYTES} bytes`);
  return Buffer.concat(chunks);
}

export async function toFhirRequest(req: IncomingMessage, url: URL, basePath: string): Promise<FhirRequest> {
  const raw = await readBody(req);
  const rest = url.pathname.slice(basePath.length);
  let segments: string[];
  try {
    segments = rest.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest('value', 'The URL path is not validly percent-encoded');
  }
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  const mediaType = contentType.split(';')[0]!.trim();
  const out: FhirRequest = { method: req.method ?? 'GET', segments, query: url.searchParams, headers: req.headers, body: undefined };
  if (raw.length === 0) return out;
  const text = raw.toString('utf8');
  if (mediaType === FORM_TYPE) {
    out.form = new URLSearchParams(text);
    return out;
  }
  // No Content-Type is read as JSON (lenient with hand-written requests); a named type the server cannot read is refused.
  if (mediaType && !JSON_TYPES.includes(mediaType)) {
    throw fail(415, 'not-supported', `Content-Type "${mediaType}" is not supported: send application/fhir+json`);
  }
  try {
    out.body = JSON.parse(text);
  } catch {
    throw badRequest('structure', 'The body is not valid JSON');
  }
  return out;
}

export function send(res: ServerResponse, r: FhirResponse): void {
  const headers: Record<string, string> = { ...r.headers };
  if (r.body) headers['Content-Type'] = FHIR_JSON;
  res.writeHead(r.status, headers);
  res.end(r.body ? JSON.stringify(r.body) : undefined);
}

/** Known failures keep their status; anything else is a 500 whose details stay in the server log. */
export function errorResponse(err: unknown, log: (msg: string) => void): FhirResponse {
  const known = asFhirError(err);
  if (known) {
    const headers: Record<string, string> = known.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
    return { status: known.status, body: (known as FhirError).emptyBody ? undefined : known.outcome, headers };
  }
  log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const internal = fail(500, 'exception', 'Internal server error');
  return { status: 500, body: internal.outcome };
}
