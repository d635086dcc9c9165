// The FHIR client every suite talks through: one undici pool per target, every request through the run's
// shared limit on requests in flight (lib/client/limiter.ts), a timeout per request, every exchange recorded
// (redacted) as evidence of the check whose async scope made it (lib/client/scope.ts) and in the run's request
// log, bounded retries with backoff (GETs, and POSTs marked idempotent, after a network error, timeout or 5xx;
// any method after a 429, which the server refused without acting on it), Retry-After honoured, and transport
// problems turned into errors that name the request.
import { Pool, errors as undiciErrors } from 'undici';
import type { Outcome } from './adaptive-limit.ts';
import type { Gate } from './limiter.ts';
import { redactBody, redactHeaders, redactText, redactUrl, registerSecretsIn } from './redact.ts';
import { nowMs, type RequestLog } from './request-log.ts';
import { currentScope, type RequestScope } from './scope.ts';

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

interface RawExchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  response?: { status: number; headers: Record<string, string>; text: string };
}

/**
 * An exchange as recorded: redacted when first read, not when made. Most exchanges are never read (evidence is
 * kept only for verdicts other than pass), and redacting every body of every exchange was most of the harness's
 * CPU. Secrets an OAuth body carries are registered at once (registerSecretsIn), so a later read still scrubs
 * them everywhere; JSON.stringify goes through toJSON, i.e. through the redaction.
 */
class RecordedExchange implements Exchange {
  durationMs = 0;
  error?: string;
  private redactedRequest?: Exchange['request'];
  private redactedResponse?: Exchange['response'];

  constructor(readonly seq: number, readonly startedAt: string, readonly attempt: number, private readonly raw: RawExchange) {
    registerSecretsIn(raw.body, raw.headers['content-type']);
  }

  answered(response: RawExchange['response'] & {}): void {
    this.raw.response = response;
    registerSecretsIn(response.text, response.headers['content-type']);
  }

  get request(): Exchange['request'] {
    const r = this.raw;
    return (this.redactedRequest ??= { method: r.method, url: redactUrl(r.url), headers: redactHeaders(r.headers), body: redactBody(r.body, r.headers['content-type']) });
  }

  get response(): Exchange['response'] {
    const r = this.raw.response;
    if (!r) return undefined;
    return (this.redactedResponse ??= { status: r.status, headers: redactHeaders(r.headers), body: redactBody(r.text, r.headers['content-type']) });
  }

  toJSON(): Exchange {
    return { seq: this.seq, startedAt: this.startedAt, durationMs: this.durationMs, attempt: this.attempt, request: this.request, response: this.response, error: this.error };
  }
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
  /** A POST that changes nothing (an operation with affectsState false): retried like a GET (network error, timeout, 5xx). */
  idempotent?: boolean;
}

export interface ClientOptions {
  baseUrl: string;
  /** Returns the current access token (refreshing it when needed); omitted for anonymous clients. */
  token?: () => Promise<string | undefined>;
  timeoutMs?: number;
  connections?: number;
  /** Extra attempts after a 429 (any method), or a network error, a timeout or a 5xx (GETs and idempotent POSTs). */
  maxRetries?: number;
  /** Longest Retry-After the client will sleep before giving up (ms). */
  maxRetryAfterMs?: number;
  backoffMs?: number;
  onExchange?: (e: Exchange) => void;
  /** The limit on requests in flight this client shares (with every client of the run, across processes). */
  gate?: Gate;
  /** Where every attempt is logged (with the scope that made it). */
  log?: RequestLog;
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

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/$/, '');
    const u = new URL(this.baseUrl);
    this.origin = u.origin;
    this.basePath = u.pathname.replace(/\/$/, '');
    this.pool = new Pool(this.origin, { connections: opts.connections ?? 8, keepAliveTimeout: 10_000, pipelining: 1 });
  }

  /** `path` is relative to the FHIR base (`Patient/1`, `metadata`, '') or an absolute URL on the same origin. */
  resolve(path: string): URL {
    if (/^https?:\/\//.test(path)) return new URL(path);
    return new URL(`${this.origin}${this.basePath}${path ? `/${path.replace(/^\//, '')}` : ''}`);
  }

  async request<T = any>(method: string, path: string, o: RequestOptions = {}): Promise<FhirResponse<T>> {
    let issued = nowMs();
    const url = this.resolve(path);
    // Only errors name the request: redacting the URL of every request that succeeds is wasted work.
    const label = () => `${method} ${redactUrl(url.toString())}`;
    if (url.origin !== this.origin) throw new TransportError('cross-origin', label(), `refusing to follow a link off the target (${url.origin})`);
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
    const scope = currentScope();
    const maxRetries = this.opts.maxRetries ?? 2;
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs ?? 30_000;
    // A POST marked idempotent changes nothing on the server (an operation with affectsState false): retried like a GET.
    const retriable = method === 'GET' || !!o.idempotent;
    for (let attempt = 1; ; attempt++) {
      const seq = ++this.seq;
      const sent = await this.send(method, url, headers, body, timeoutMs, issued, attempt, scope);
      // The time on the wire, from the permit to the answer: waiting for a permit is the harness's, not the server's.
      const exchange = new RecordedExchange(seq, new Date(sent.granted).toISOString(), attempt, { method, url: url.toString(), headers, body });
      exchange.durationMs = Math.round(sent.answered - sent.granted);
      if ('error' in sent) {
        exchange.error = sent.timeout ? 'timeout' : sent.error.message;
        this.emit(exchange, scope);
        if (retriable && attempt <= maxRetries) { await sleep(this.backoff(attempt)); issued = nowMs(); continue; }
        throw new TransportError(sent.timeout ? 'timeout' : 'network', label(),
          sent.timeout ? `no answer within ${timeoutMs} ms` : `connection failed (${sent.error.message})`, exchange);
      }
      const { status, headers: resHeaders, text } = sent;
      exchange.answered({ status, headers: resHeaders, text });
      this.emit(exchange, scope);
      if (attempt <= maxRetries && (status === 429 || (retriable && status >= 500))) {
        const wait = status === 429 ? retryAfterMs(resHeaders['retry-after']) ?? this.backoff(attempt) : this.backoff(attempt);
        if (wait <= (this.opts.maxRetryAfterMs ?? 60_000)) { await sleep(wait); issued = nowMs(); continue; }
      }
      if (status === 429) throw new TransportError('rate-limited', label(), `429 Too Many Requests (Retry-After: ${resHeaders['retry-after'] ?? 'none'})`, exchange);
      return { status, headers: resHeaders, body: this.parse(label, status, resHeaders, text, o.accept ?? 'json', exchange), text, exchange, retried: attempt > 1 };
    }
  }

  /** One attempt on the wire, holding one permit of the shared limit from sending to the last byte of the answer. */
  private async send(method: string, url: URL, headers: Record<string, string>, body: string | undefined, timeoutMs: number, issued: number, attempt: number, scope: RequestScope | undefined):
    Promise<({ status: number; headers: Record<string, string>; text: string } | { error: Error; timeout: boolean }) & { granted: number; answered: number }> {
    const gate = this.opts.gate;
    if (gate) await gate.acquire();
    const granted = nowMs();
    let outcome: Outcome = { ms: 0, status: 0 };
    try {
      const res = await this.pool.request({ method: method as 'GET', path: url.pathname + url.search, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      const resHeaders = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
      const text = await res.body.text();
      const retry = res.statusCode === 429 || res.statusCode === 503 ? retryAfterMs(resHeaders['retry-after']) : undefined;
      const answered = nowMs();
      outcome = { ms: answered - granted, status: res.statusCode, retryAfterMs: retry };
      return { status: res.statusCode, headers: resHeaders, text, granted, answered };
    } catch (e) {
      const timeout = (e as Error).name === 'TimeoutError' || e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError;
      return { error: e as Error, timeout, granted, answered: nowMs() };
    } finally {
      gate?.release(outcome);
      this.opts.log?.request({ s: scope?.id ?? `proc:${process.pid}`, m: method, p: url.pathname, st: outcome.status, i: issued, g: granted, e: nowMs(), a: attempt }, scope);
    }
  }

  private parse(label: () => string, status: number, headers: Record<string, string>, text: string, accept: 'json' | 'any', exchange: Exchange): any {
    if (accept === 'any') {
      try { return text ? JSON.parse(text) : undefined; } catch { return undefined; }
    }
    if (!text.trim()) return undefined;
    const type = headers['content-type'] ?? '';
    if (/text\/html/.test(type) || /^\s*<(!doctype|html)/i.test(text)) {
      throw new TransportError('html', label(), `answered ${status} with an HTML page instead of FHIR JSON (a login page, proxy or gateway error?)`, exchange);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TransportError('non-json', label(), `answered ${status} with a body that is not JSON (content-type "${type || 'none'}"): ${text.slice(0, 80)}…`, exchange);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(5_000, (this.opts.backoffMs ?? 200) * 2 ** (attempt - 1));
  }

  private emit(e: Exchange, scope: RequestScope | undefined): void {
    scope?.exchanges?.push(e);
    this.opts.onExchange?.(e);
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
