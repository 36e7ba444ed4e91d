import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { ConfigError } from './config-error.ts';
import type { ConfigFlags } from './flags.ts';
import { loadConfig } from './load.ts';

/** The flags as cli/ hands them over: only what a test sets differs from the command line's defaults. */
const load = (flags: Partial<ConfigFlags> = {}, env: NodeJS.ProcessEnv = {}, dir = tempDir()) =>
  loadConfig({ dropParams: false, detailedDebug: false, warnings: [], ...flags }, env, dir);

describe('loadConfig without a config file', () => {
  it('serves the offline demo model when there is no OpenAI key', async () => {
    const { config, warnings } = await load();
    assert.deepEqual(
      config.deployments.map(({ modelName, provider, model, litellmModel }) => ({
        modelName,
        provider,
        model,
        litellmModel,
      })),
      [{ modelName: 'demo', provider: 'mock', model: 'demo', litellmModel: 'mock/demo' }],
    );
    assert.equal(config.source.defaultModel, 'demo');
    assert.deepEqual(warnings, []);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 4000);
    assert.equal(config.requestTimeoutMs, 600_000);
    assert.equal(config.bodyLimitBytes, 16 * 1024 * 1024);
    assert.equal(config.masterKey, undefined);
  });

  it('serves gpt-4o-mini when OPENAI_API_KEY is set, also when it comes from .env', async () => {
    const dir = tempDir({ '.env': 'OPENAI_API_KEY=sk-dotenv\n' });
    const { config } = await load({}, {}, dir);
    assert.equal(config.source.defaultModel, 'openai');
    assert.equal(config.deployments[0]?.modelName, 'gpt-4o-mini');
    assert.equal(config.deployments[0]?.provider, 'openai');
    assert.equal(config.deployments[0]?.apiKey, 'sk-dotenv');
  });

  it('uses the default model when the config has an empty model_list', async () => {
    const dir = tempDir({ 'config.yaml': 'model_list: []\n' });
    assert.equal((await load({ config: 'config.yaml' }, {}, dir)).config.source.defaultModel, 'demo');
  });

  it('--model names the group as typed, or by --alias', async () => {
    const plain = await load({ model: 'gpt-4o-mini' }, { OPENAI_API_KEY: 'k' });
    assert.equal(plain.config.deployments[0]?.modelName, 'gpt-4o-mini');
    assert.equal(plain.config.source.defaultModel, undefined);
    const aliased = await load(
      { model: 'openai/my-model', alias: 'fast', apiBase: 'http://localhost:8000/v1', temperature: 0.3 },
      { OPENAI_API_KEY: 'k' },
    );
    const d = aliased.config.deployments[0];
    assert.equal(d?.modelName, 'fast');
    assert.equal(d?.model, 'my-model');
    assert.equal(d?.litellmModel, 'openai/my-model');
    assert.equal(d?.apiBase, 'http://localhost:8000/v1');
    assert.deepEqual(d?.params, { temperature: 0.3 });
  });

  it('warns when an OpenAI model has no key', async () => {
    const { warnings } = await load({ model: 'gpt-4o-mini' });
    assert.deepEqual(warnings, ['model "gpt-4o-mini": no api_key and OPENAI_API_KEY is not set']);
  });

  it('refuses an unsupported provider in --model', async () => {
    await assert.rejects(
      load({ model: 'cohere/command-r' }),
      /--model: provider "cohere" is not supported yet/,
    );
  });

  it('reads host, port, log level and master key from the environment', async () => {
    const { config } = await load(
      {},
      {
        HOST: '127.0.0.1',
        PORT: '8123',
        TOLLGATE_LOG_LEVEL: 'warn',
        TOLLGATE_MASTER_KEY: 'sk-t',
      },
    );
    assert.deepEqual(
      [config.host, config.port, config.logLevel, config.masterKey],
      ['127.0.0.1', 8123, 'warn', 'sk-t'],
    );
    assert.equal(
      (await load({ detailedDebug: true }, { TOLLGATE_LOG_LEVEL: 'warn' })).config.logLevel,
      'debug',
    );
    assert.equal(
      (await load({}, { LITELLM_MASTER_KEY: 'a', TOLLGATE_MASTER_KEY: 'b' })).config.masterKey,
      'a',
    );
  });

  it('takes the client timeout from TOLLGATE_CLIENT_TIMEOUT, 60 s by default', async () => {
    assert.equal((await load()).config.clientTimeoutMs, 60_000);
    assert.equal((await load({}, { TOLLGATE_CLIENT_TIMEOUT: '1.5' })).config.clientTimeoutMs, 1500);
    for (const bad of ['0', '-1', 'soon'])
      await assert.rejects(
        load({}, { TOLLGATE_CLIENT_TIMEOUT: bad }),
        (err) => err instanceof ConfigError && /TOLLGATE_CLIENT_TIMEOUT must be/.test(err.message),
      );
  });

  it('refuses a blank master key instead of running without auth', async () => {
    await assert.rejects(load({}, { LITELLM_MASTER_KEY: '  ' }), /LITELLM_MASTER_KEY is set but empty/);
    const dir = tempDir({ 'config.yaml': 'general_settings:\n  master_key: ""\n' });
    await assert.rejects(load({ config: 'config.yaml' }, {}, dir), /general_settings\.master_key is empty/);
  });

  it('never puts the master key in an error or a warning', async () => {
    const secret = 'sk-master-very-secret';
    const dir = tempDir({
      'config.yaml': `general_settings:\n  master_key: ${secret}\n  max_request_size_mb: lots\nmodel_list:\n  - model_name: m\n    litellm_params: { model: gpt-4o, api_key: [${secret}] }\n`,
    });
    const error = await load({ config: 'config.yaml' }, {}, dir).then(
      () => assert.fail('expected a ConfigError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConfigError);
    assert.ok(!error.message.includes(secret), error.message);
    const ok = tempDir({
      'config.yaml': `general_settings:\n  master_key: ${secret}\n  alerting: [slack]\n`,
    });
    const { warnings } = await load({ config: 'config.yaml' }, {}, ok);
    assert.ok(warnings.length > 0 && warnings.every((w) => !w.includes(secret)));
  });
});
