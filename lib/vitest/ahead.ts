// Checks sent ahead: a suite of many small read-only checks starts them all at once, a bounded number in flight, each
// recording only its own exchanges; each capability test then reports its check's outcome with that evidence. The
// verdicts are the same as running the checks one by one inside their tests, in a fraction of the wall time.
import type { Exchange, FhirClient, FhirResponse } from '../client/http.ts';
import type { Check } from './capability.ts';

/** What a check sent ahead may use: request(), whose exchanges become that check's evidence. */
export type Requester = Pick<FhirClient, 'request'>;

interface Outcome { value?: unknown; error?: unknown; exchanges: Exchange[] }

export class ChecksAhead {
  private readonly outcomes = new Map<string, Promise<Outcome>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly client: FhirClient, private readonly inFlight: number) {}

  /** Starts `check` (queued behind `inFlight` others) under `key`. */
  start(key: string, check: (client: Requester) => Promise<unknown>): void {
    this.outcomes.set(key, this.slot(async () => {
      const exchanges: Exchange[] = [];
      const client: Requester = {
        request: <T>(...args: Parameters<FhirClient['request']>) => this.client.request<T>(...args).then((res: FhirResponse<T>) => {
          exchanges.push(res.exchange);
          return res;
        }, (e: unknown) => {
          const exchange = (e as { exchange?: Exchange }).exchange;
          if (exchange) exchanges.push(exchange);
          throw e;
        }),
      };
      try {
        return { value: await check(client), exchanges };
      } catch (error) {
        return { error, exchanges };
      }
    }));
  }

  /** The outcome of the check started under `key`, inside its capability test: evidence attached, failure rethrown. */
  async settle<T>(key: string, c: Check): Promise<T> {
    const outcome = this.outcomes.get(key);
    if (!outcome) throw new Error(`no check was started ahead for ${key}`);
    const { value, error, exchanges } = await outcome;
    c.evidence(exchanges);
    if (error) throw error;
    return value as T;
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.inFlight) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
