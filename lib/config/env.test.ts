import { describe, expect, test } from 'vitest';
import { ConfigError } from './errors.ts';
import { ENV_VARS, readEnv, unknownDhpVars } from './env.ts';

describe('the one module that reads the environment', () => {
  test('defaults when nothing is set', () => {
    const e = readEnv({});
    expect(e).toMatchObject({ readOnly: false, timeoutMs: 30_000, workers: 2, verbose: false, searchTypes: null, login: { driver: 'http', usernameField: 'username', submitSelector: '#login' } });
    // No limit of the run's own outside a CLI run; connections follow the concurrency.
    for (const unset of [e.seed, e.concurrency, e.connections, e.limiter]) expect(unset).toBeUndefined();
  });

  test('parses what is set', () => {
    const e = readEnv({ DHP_CLIENT_AUTH: 'basic', DHP_READ_ONLY: '1', DHP_TIMEOUT_MS: '500', DHP_SEARCH_TYPES: ' Observation, Condition ,', DHP_SEED: '7', DHP_FC_SEED: '-3', DHP_LOGIN_DRIVER: 'browser', DHP_CONCURRENCY: '4', DHP_WORKERS: '1', DHP_LIMITER: '127.0.0.1:4711', DHP_VERBOSE: '1' });
    expect(e).toMatchObject({ clientAuth: 'client_secret_basic', readOnly: true, timeoutMs: 500, searchTypes: ['Observation', 'Condition'], seed: 7, fcSeed: -3, login: { driver: 'browser' }, concurrency: 4, workers: 1, limiter: '127.0.0.1:4711', verbose: true });
  });

  test('every bad variable is named in one ConfigError', () => {
    const err = (() => { try { readEnv({ DHP_CLIENT_AUTH: 'jwt', DHP_TIMEOUT_MS: '-1', DHP_SEED: 'x', DHP_TOKEN_URL: 'ftp://x', DHP_LOGIN_DRIVER: 'lynx', DHP_CONCURRENCY: '0', DHP_LIMITER: 'nowhere' }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ConfigError);
    for (const name of ['DHP_CLIENT_AUTH', 'DHP_TIMEOUT_MS', 'DHP_SEED', 'DHP_TOKEN_URL', 'DHP_LOGIN_DRIVER', 'DHP_CONCURRENCY', 'DHP_LIMITER']) expect((err as Error).message).toContain(name);
  });

  test('unknown DHP_* names (typos) are listed; every documented one is known', () => {
    expect(unknownDhpVars({ DHP_SEARCH_TYPE: 'x', DHP_SEED: '1', HOME: '/' })).toEqual(['DHP_SEARCH_TYPE']);
    expect(unknownDhpVars(Object.fromEntries(ENV_VARS.map((v) => [v.name, 'x'])))).toEqual([]);
  });
});

test('the README documents every variable', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { PROJECT_ROOT } = await import('../matrix/load.ts');
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  expect(ENV_VARS.filter((v) => !readme.includes(`| \`${v.name}\` |`)).map((v) => v.name)).toEqual([]);
});
