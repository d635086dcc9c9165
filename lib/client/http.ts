// The FHIR client every suite talks through: one undici pool per target, bounded concurrency, a timeout
// per request, every exchange recorded (redacted) as evidence, bounded retries of GETs (and of POSTs marked idempotent) with backoff,
// 429 Retry-After honoured, and transport problems turned into errors that name the request.
import { Pool, errors as undiciErrors } from 'undici';
import { redactBody, redactHeaders, redactText, redactUrl } from './redact.ts';

export const FHIR_JSON = 'application/fhir+json';

export interface Exchange {
  seq: number;
  startedAt: string;
  durationMs: number;
  attempt: number;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body?: string };
  error?: string;
}

export type TransportErrorCode = 'timeout' | 'network' | 'html' | 'non-json' | 'rate-limited' | 'cross-origin';

/** A request that produced no usable FHIR answer. Suites report it as verdict `error`, not `fail`. */
export class TransportError extends Error {
  constructor(readonly code: TransportErrorCode, readonly request: string, detail: string, readonly exchange?: Exchange) {
    // The detail can quote the raw answer (a non-JSON body), which may echo a token.
    super(redactText(`${request}: ${detail}`));
    this.name = 'TransportError';
  }
}

export interface FhirResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or undefined for an empty body. */
  body: T;
  text: string;
  exchange: Exchange;
  /** True when the answer came only after a retry: the check that used it is flaky. */
  retried: boolean;
}

export interface RequestOptions {
  body?: unknown;
  /** A form body (application/x-www-form-urlencoded). */
  form?: Record<string, string> | URLSearchParams;
  headers?: Record<string, string>;
  /** Send the target's Bearer token (default true). */
  auth?: boolean;
  /** 'json' (default) turns a non-JSON body into a TransportError; 'any' returns the text as is. */
  accept?: 'json' | 'any';
  timeoutMs?: number;
  /** A POST that changes nothing (an operation with affectsState false): retried like a GET after a network error. */
  idempotent?: boolean;
}

export interface ClientOptions {
  baseUrl: string;
  /** Returns the current access token (refreshing it when needed); omitted for anonymous clients. */
  token?: () => Promise<string | undefined>;
  timeoutMs?: number;
  connections?: number;
  /** Extra attempts for idempotent GETs after a network error, a timeout, a 5xx or a 429. */
  maxRetries?: number;
  /** Longest Retry-After the client will sleep before giving up (ms). */
  maxRetryAfterMs?: number;
  backoffMs?: number;
  onExchange?: (e: Exchange) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class FhirClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly pool: Pool;
  private seq = 0;
  private readonly listeners = new Set<(e: Exchange) => void>();

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/$/, '');
    const u = new URL(this.baseUrl);
    this.origin = u.origin;
    this.basePath = u.pathname.replace(/\/$/, '');
    this.pool = new Pool(this.origin, { connections: opts.connections ?? 8, keepAliveTimeout: 10_000, pipelining: 1 });
    if (opts.onExchange) this.listeners.add(opts.onExchange);
  }

  /** Records exchanges for the duration of one check; returns the function that stops recording. */
  record(listener: (e: Exchange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `path` is relative to the FHIR base (`Patient/1`, `metadata`, '') or an absolute URL on the same origin. */
  resolve(path: string): URL {
    if (/^https?:\/\//.test(path)) return new URL(path);
    return new URL(`${this.origin}${this.basePath}${path ? `/${path.replace(/^\//, '')}` : ''}`);
  }

  async request<T = any>(method: string, path: string, o: RequestOptions = {}): Promise<FhirResponse<T>> {
    const url = this.resolve(path);
    const label = `${method} ${redactUrl(url.toString())}`;
    if (url.origin !== this.origin) throw new TransportError('cross-origin', label, `refusing to follow a link off the target (${url.origin})`);
    const headers: Record<string, string> = { accept: FHIR_JSON, ...o.headers };
    let body: string | undefined;
    if (o.form) {
      body = new URLSearchParams(o.form as Record<string, string>).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= FHIR_JSON;
    }
    if (o.auth !== false && this.opts.token) {
      const token = await this.opts.token();
      if (token) headers.authorization = `Bearer ${token}`;
    }
    const retries = method === 'GET' || o.idempotent ? (this.opts.maxRetries ?? 2) : 0;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const exchange: Exchange = {
        seq: ++this.seq, startedAt: new Date(started).toISOString(), durationMs: 0, attempt,
        request: { method, url: redactUrl(url.toString()), headers: redactHeaders(headers), body: redactBody(body, headers['content-type']) },
      };
      let status: number, resHeaders: Record<string, string>, text: string;
      try {
        const res = await this.pool.request({
          method: method as 'GET', path: url.pathname + url.search, headers, body,
          signal: AbortSignal.timeout(o.timeoutMs ?? this.opts.timeoutMs ?? 30_000),
        });
        status = res.statusCode;
        resHeaders = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
        text = await res.body.text();
      } catch (e) {
        const timeout = (e as Error).name === 'TimeoutError' || e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError;
        exchange.durationMs = Date.now() - started;
        exchange.error = timeout ? 'timeout' : (e as Error).message;
        this.emit(exchange);
        if (attempt <= retries) { await sleep(this.backoff(attempt)); continue; }
        throw new TransportError(timeout ? 'timeout' : 'network', label,
          timeout ? `no answer within ${o.timeoutMs ?? this.opts.timeoutMs ?? 30_000} ms` : `connection failed (${(e as Error).message})`, exchange);
      }
      exchange.durationMs = Date.now() - started;
      exchange.response = { status, headers: redactHeaders(resHeaders), body: redactBody(text, resHeaders['content-type']) };
      this.emit(exchange);
      if (attempt <= retries && (status === 429 || status >= 500)) {
        const wait = status === 429 ? retryAfterMs(resHeaders['retry-after']) ?? this.backoff(attempt) : this.backoff(attempt);
        if (wait <= (this.opts.maxRetryAfterMs ?? 60_000)) { await sleep(wait); continue; }
      }
      if (status === 429) throw new TransportError('rate-limited', label, `429 Too Many Requests (Retry-After: ${resHeaders['retry-after'] ?? 'none'})`, exchange);
      return { status, headers: resHeaders, body: this.parse(label, status, resHeaders, text, o.accept ?? 'json', exchange), text, exchange, retried: attempt > 1 };
    }
  }

  private parse(label: string, status: number, headers: Record<string, string>, text: string, accept: 'json' | 'any', exchange: Exchange): any {
    if (accept === 'any') {
      try { return text ? JSON.parse(text) : undefined; } catch { return undefined; }
    }
    if (!text.trim()) return undefined;
    const type = headers['content-type'] ?? '';
    if (/text\/html/.test(type) || /^\s*<(!doctype|html)/i.test(text)) {
      throw new TransportError('html', label, `answered ${status} with an HTML page instead of FHIR JSON (a login page, proxy or gateway error?)`, exchange);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TransportError('non-json', label, `answered ${status} with a body that is not JSON (content-type "${type || 'none'}"): ${text.slice(0, 80)}…`, exchange);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(5_000, (this.opts.backoffMs ?? 200) * 2 ** (attempt - 1));
  }

  private emit(e: Exchange): void {
    for (const l of this.listeners) l(e);
  }

  // Convenience verbs: thin names for the interactions suites use.
  read<T = any>(type: string, id: string, o?: RequestOptions) { return this.request<T>('GET', `${type}/${encodeURIComponent(id)}`, o); }
  create<T = any>(resource: { resourceType: string }, o?: RequestOptions) { return this.request<T>('POST', resource.resourceType, { ...o, body: resource }); }
  update<T = any>(resource: { resourceType: string; id?: string }, ifMatch: string | undefined, o?: RequestOptions) {
    return this.request<T>('PUT', `${resource.resourceType}/${encodeURIComponent(resource.id ?? '')}`, { ...o, body: resource, headers: { ...o?.headers, ...(ifMatch ? { 'if-match': ifMatch } : {}) } });
  }
  delete(type: string, id: string, o?: RequestOptions) { return this.request('DELETE', `${type}/${encodeURIComponent(id)}`, o); }
  search<T = any>(type: string, params: [string, string][] | URLSearchParams, o?: RequestOptions) {
    const q = new URLSearchParams(params as [string, string][]).toString();
    return this.request<T>('GET', `${type}${q ? `?${q}` : ''}`, o);
  }
  transaction<T = any>(bundle: unknown, o?: RequestOptions) { return this.request<T>('POST', '', { ...o, body: bundle }); }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
