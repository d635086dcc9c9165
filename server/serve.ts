// `dhp-conformance serve`: runs the reference server in the foreground until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { PROFILES, type Profile } from './capabilities.ts';
import { parseFaults } from './faults.ts';
import { startServer } from './index.ts';

export const SERVE_USAGE =
  'dhp-conformance serve [--port n] [--profile conformant|playground] [--fault name[=arg]]... [--latency ms] [--db file]';

function nonNegative(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} needs a non-negative integer, not "${raw}"\nusage: ${SERVE_USAGE}`);
  return Number(raw);
}

export async function serveMain(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      profile: { type: 'string' },
      fault: { type: 'string', multiple: true },
      latency: { type: 'string' },
      db: { type: 'string' },
    },
    strict: true,
  });
  const profile = (values.profile ?? 'conformant') as Profile;
  if (!PROFILES.includes(profile)) throw new Error(`--profile must be one of ${PROFILES.join(', ')}\nusage: ${SERVE_USAGE}`);
  const server = await startServer({
    port: nonNegative('port', values.port),
    profile,
    faults: parseFaults(values.fault ?? []),
    latencyMs: nonNegative('latency', values.latency),
    dbPath: values.db,
    quiet: true,
  });
  const lines = [`FHIR base URL: ${server.baseUrl}`, `Token URL:     ${server.tokenUrl}`];
  // Secrets that came from the environment are the user's own: never echo them.
  if (!process.env.DHP_CLIENT_ID) lines.push(`client_id:     ${server.clientId}`);
  if (!process.env.DHP_CLIENT_SECRET) lines.push(`client_secret: ${server.clientSecret}`);
  lines.push(`test user:     ${server.testUser.username} / ${server.testUser.password}`);
  lines.push(`public client: ${server.publicClient.clientId} (redirect_uri ${server.publicClient.redirectUri})`);
  lines.push(`profile:       ${server.profile}${server.faults.length ? `, faults: ${server.faults.join(', ')}` : ''}`);
  console.log(lines.join('\n'));

  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close().then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
