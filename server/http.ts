// The node:http edge: turns requests into FhirRequest values, and every answer or thrown error into one response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Resource } from 'fhir/r5.js';
import { FhirError, asFhirError, badRequest, fail } from './outcomes.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const MAX_BODY_BYTES = 32 * 1024 * 1024;

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

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw fail(413, 'too-costly', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
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
  const out: FhirRequest = { method: req.method ?? 'GET', segments, query: url.searchParams, headers: req.headers, body: undefined };
  if (raw.length === 0) return out;
  const text = raw.toString('utf8');
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    out.form = new URLSearchParams(text);
    return out;
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
