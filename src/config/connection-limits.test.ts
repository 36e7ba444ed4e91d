import assert from 'node:assert/strict';
import { it } from 'node:test';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { ConfigError } from './config-error.ts';
import { connectionLimits, openFilesLimit } from './connection-limits.ts';
import { loadConfig } from './load.ts';

it('derives the caps from the open-files limit, leaving files for upstream calls, the store and logs', () => {
  assert.deepEqual(
    connectionLimits({}, {}, () => 20_000),
    { max: 9872, perClient: 1234 },
  );
  assert.deepEqual(
    connectionLimits({}, {}, () => 1024),
    { max: 384, perClient: 48 },
  );
  assert.deepEqual(
    connectionLimits({}, {}, () => 1_048_576),
    { max: 16_384, perClient: 2048 },
  );
  assert.deepEqual(
    connectionLimits({}, {}, () => 100),
    { max: 16, perClient: 2 },
  );
  assert.deepEqual(
    connectionLimits({}, {}, () => undefined),
    { max: 4096, perClient: 512 },
  );
});

it('takes the config keys over the environment, and a per-client cap above the total is the total', () => {
  const env = { TOLLGATE_MAX_CONNECTIONS: '50', TOLLGATE_MAX_CONNECTIONS_PER_CLIENT: '10' };
  assert.deepEqual(
    connectionLimits({}, env, () => 20_000),
    { max: 50, perClient: 10 },
  );
  assert.deepEqual(connectionLimits({ max_connections: 8, max_connections_per_client: 5 }, env), {
    max: 8,
    perClient: 5,
  });
  assert.deepEqual(
    connectionLimits({ max_connections: 40 }, {}, () => 20_000),
    { max: 40, perClient: 5 },
  );
  assert.deepEqual(connectionLimits({ max_connections: 4, max_connections_per_client: 9 }, {}), {
    max: 4,
    perClient: 4,
  });
  assert.throws(() => connectionLimits({}, { TOLLGATE_MAX_CONNECTIONS: '0' }), ConfigError);
  assert.throws(() => connectionLimits({}, { TOLLGATE_MAX_CONNECTIONS_PER_CLIENT: 'lots' }), ConfigError);
});

it("reads Linux's soft open-files limit, and nothing where there is none", () => {
  const limits = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max processes             63704                63704                processes ',
    'Max open files            20000                524288               files     ',
  ].join('\n');
  assert.equal(
    openFilesLimit(() => limits),
    20_000,
  );
  assert.equal(
    openFilesLimit(() => 'Max open files            unlimited            unlimited            files'),
    undefined,
  );
  assert.equal(
    openFilesLimit(() => {
      throw new Error('ENOENT');
    }),
    undefined,
  );
});

it('reads the caps from config.yaml, numbers written as strings too', async () => {
  const dir = tempDir({
    'config.yaml': 'general_settings:\n  max_connections: "8"\n  max_connections_per_client: 5\n',
  });
  const flags = { dropParams: false, detailedDebug: false, warnings: [], config: 'config.yaml' };
  const { config } = await loadConfig(flags, { TOLLGATE_MAX_CONNECTIONS: '100' }, dir);
  assert.deepEqual(config.connections, { max: 8, perClient: 5 });
});
