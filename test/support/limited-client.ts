// A child process of the limiter self-test: a worker's FhirClient on the run's shared gate (DHP_LIMITER) firing
// `n` GETs at once at `<base>/x/<i>`.
import { FhirClient } from '../../lib/client/http.ts';
import { gateFromEnv } from '../../lib/client/limiter.ts';

const [base, n] = process.argv.slice(2);
const client = new FhirClient({ baseUrl: base!, gate: gateFromEnv(), maxRetries: 3, backoffMs: 10 });
const statuses = await Promise.all(Array.from({ length: Number(n) }, (_, i) => client.request('GET', `x/${i}`, { accept: 'any' }).then((r) => r.status)));
console.log(JSON.stringify(statuses));
await client.close();
