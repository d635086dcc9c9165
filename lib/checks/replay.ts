// Recorded exchanges for the unit tests of the check bodies: real request/response pairs recorded from the reference
// server (scripts/record-exchanges.ts; redacted like every evidence file), replayed by a FhirClient that answers from
// the recording instead of the network. A check replayed with the recording's seed and run id sends the same requests,
// so its verdict on real answers — and on answers a test tampers with — is pinned without a server.
import { FhirClient, type Exchange, type FhirResponse, type RequestOptions } from '../client/http.ts';

export interface RecordedExchange {
  method: string;
  /** Path and query on the target's origin (`/fhir/Observation/1`, `/oauth/token`): the port is not recorded. */
  path: string;
  request?: { ifMatch?: string };
  response: { status: number; headers: Record<string, string>; body?: string };
}

export interface Recording {
  /** The capability the check judges and the scenario (reference-server faults) it was recorded under. */
  check: string;
  scenario: string;
  faults: string[];
  seed: number;
  runId: string;
  exchanges: RecordedExchange[];
}

/** Response headers a check may read; the rest (dates, lengths) would only make recordings churn. */
const KEPT_HEADERS = ['etag', 'location', 'content-location', 'content-type', 'cache-control', 'last-modified'];

/** JSON bodies without the server's indentation (smaller recordings; a check reads the parsed body only). */
function compact(text: string): string {
  try { return JSON.stringify(JSON.parse(text)); } catch { return text; }
}

export function recorded(e: Exchange): RecordedExchange | undefined {
  if (!e.response) return undefined;
  const url = new URL(e.request.url);
  const ifMatch = e.request.headers['if-match'];
  return {
    method: e.request.method, path: `${url.pathname}${url.search}`,
    ...(ifMatch ? { request: { ifMatch } } : {}),
    response: {
      status: e.response.status,
      headers: Object.fromEntries(Object.entries(e.response.headers).filter(([k]) => KEPT_HEADERS.includes(k))),
      ...(e.response.body ? { body: compact(e.response.body) } : {}),
    },
  };
}

/** Answers each request with the first unused recorded exchange of the same method, path and If-Match. */
export class ReplayClient extends FhirClient {
  private readonly unused: RecordedExchange[];
  private replayed = 0;

  constructor(baseUrl: string, exchanges: readonly RecordedExchange[]) {
    super({ baseUrl });
    this.unused = exchanges.map((e) => structuredClone(e));
  }

  /** What the check did not ask for (a replay that leaves exchanges unused sent fewer requests than the recording). */
  get left(): readonly RecordedExchange[] {
    return this.unused;
  }

  override async request<T = any>(method: string, path: string, o: RequestOptions = {}): Promise<FhirResponse<T>> {
    const url = this.resolve(path);
    const want = `${url.pathname}${url.search}`;
    const ifMatch = o.headers?.['if-match'];
    const i = this.unused.findIndex((e) => e.method === method && e.path === want && e.request?.ifMatch === ifMatch);
    if (i < 0) throw new Error(`replay: no recorded answer left for ${method} ${want}${ifMatch ? ` (If-Match ${ifMatch})` : ''}`);
    const [e] = this.unused.splice(i, 1) as [RecordedExchange];
    const text = e.response.body ?? '';
    let body: any;
    try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
    const exchange: Exchange = {
      seq: ++this.replayed, startedAt: new Date(0).toISOString(), durationMs: 0, attempt: 1,
      request: { method, url: url.toString(), headers: {} }, response: { status: e.response.status, headers: e.response.headers, body: text },
    };
    return { status: e.response.status, headers: e.response.headers, body, text, exchange, retried: false };
  }
}
