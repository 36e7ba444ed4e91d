import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import type { ConfigFlags } from './flags.ts';
import { loadConfig } from './load.ts';

/** The flags as cli/ hands them over: only what a test sets differs from the command line's defaults. */
const load = (flags: Partial<ConfigFlags> = {}, env: NodeJS.ProcessEnv = {}, dir = tempDir()) =>
  loadConfig({ dropParams: false, detailedDebug: false, warnings: [], ...flags }, env, dir);

// The example from LiteLLM's docs, as a team moving off LiteLLM would bring it.
const LITELLM_CONFIG = `
model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: https://api.openai.com/v1
      api_key: os.environ/OPENAI_API_KEY
      rpm: 500
      tpm: 200000
      timeout: 30
      max_retries: 2
      weight: 1
    model_info: { id: my-deployment-id }
  - model_name: gpt-4o-mini
    litellm_params:
      model: gpt-4o-mini
      temperature: 0.2
  - model_name: local
    litellm_params:
      model: openai/meta-llama/Llama-3.1-8B-Instruct
      api_base: http://localhost:8000/v1
      api_key: none
litellm_settings:
  drop_params: true
  num_retries: 2
  request_timeout: 600
  fallbacks: [{ gpt-4o-mini: [claude-haiku] }]
  callbacks: ["otel"]
  cache: true
router_settings:
  routing_strategy: simple-shuffle
  num_retries: 3
  timeout: 30
  model_group_alias: { gpt4: gpt-4o-mini }
general_settings:
  master_key: sk-1234
  max_request_size_mb: 2
  database_url: postgresql://x
environment_variables: { SOME_FLAG: "on" }
`;

describe('loadConfig with a LiteLLM config.yaml', () => {
  it('loads the deployments, settings and warnings a LiteLLM user expects', async () => {
    const dir = tempDir({ 'config.yaml': LITELLM_CONFIG });
    const env: NodeJS.ProcessEnv = { OPENAI_API_KEY: 'sk-env' };
    const { config, warnings } = await load({ config: 'config.yaml' }, env, dir);
    const [first, second, local] = config.deployments;
    assert.equal(config.deployments.length, 3);
    assert.deepEqual(first, {
      id: 'my-deployment-id',
      modelName: 'gpt-4o-mini',
      provider: 'openai',
      model: 'gpt-4o-mini',
      litellmModel: 'openai/gpt-4o-mini',
      apiBase: 'https://api.openai.com/v1',
      apiKey: 'sk-env',
      timeoutMs: 30_000,
      maxRetries: 2,
      rpm: 500,
      tpm: 200_000,
      weight: 1,
      params: {},
      modelInfo: { id: 'my-deployment-id' },
    });
    assert.equal(second?.provider, 'openai', 'a bare model name is an OpenAI model');
    assert.equal(second?.apiKey, 'sk-env', 'falls back to OPENAI_API_KEY');
    assert.deepEqual(second?.params, { temperature: 0.2 });
    assert.match(second?.id ?? '', /^[0-9a-f]{12}$/);
    assert.equal(local?.model, 'meta-llama/Llama-3.1-8B-Instruct', 'only the first segment is the provider');
    assert.equal(local?.apiBase, 'http://localhost:8000/v1');
    assert.equal(config.dropParams, true);
    assert.equal(config.numRetries, 2, 'litellm_settings.num_retries wins over router_settings');
    assert.equal(config.requestTimeoutMs, 600_000);
    assert.equal(config.masterKey, 'sk-1234');
    assert.equal(config.bodyLimitBytes, 2 * 1024 * 1024);
    assert.deepEqual(config.aliases, { gpt4: 'gpt-4o-mini' });
    assert.deepEqual(config.source, { configPath: join(dir, 'config.yaml') });
    assert.equal(env.SOME_FLAG, 'on');
    assert.deepEqual(config.fallbacks.general, { 'gpt-4o-mini': ['claude-haiku'] }, 'fallbacks are read');
    assert.ok(!warnings.some((w) => w.startsWith('litellm_settings.fallbacks')));
    assert.equal(config.routingStrategy, 'simple-shuffle');
    for (const key of ['litellm_settings.callbacks']) {
      assert.ok(
        warnings.some((w) => w.startsWith(key)),
        key,
      );
    }
  });

  it("reads LiteLLM's UI login, moderation default and deployment num_retries / mock_timeout", async () => {
    const yaml = `
model_list:
  - model_name: slow
    litellm_params: { model: openai/x, api_key: k, num_retries: 50, max_retries: 2, mock_timeout: true }
general_settings: { master_key: sk-master, moderation_model: omni-moderation-2024 }
`;
    const env = { OPENAI_API_KEY: 'sk-env', OPENAI_API_BASE: 'http://openai.local/v1', UI_PASSWORD: 'pw' };
    const { config } = await load({ config: 'c.yaml' }, env, tempDir({ 'c.yaml': yaml }));
    const [slow] = config.deployments;
    assert.equal(slow?.maxRetries, 50, 'num_retries wins over max_retries');
    assert.equal(slow?.mockTimeout, true);
    assert.deepEqual(slow?.params, {}, 'neither is a request parameter');
    assert.deepEqual(config.uiLogin, { username: 'admin', password: 'pw' });
    assert.equal(config.moderation?.model, 'omni-moderation-2024');
    assert.equal(config.moderation?.openai.apiKey, 'sk-env');
    assert.equal(config.moderation?.openai.apiBase, 'http://openai.local/v1');
  });

  it('gives the same derived ids on every load', async () => {
    const dir = tempDir({ 'config.yaml': LITELLM_CONFIG });
    const ids = async () =>
      (await load({ config: 'config.yaml' }, { OPENAI_API_KEY: 'k' }, dir)).config.deployments.map(
        (d) => d.id,
      );
    assert.deepEqual(await ids(), await ids());
  });

  it('refuses two deployments with the same model_info.id, and numbers identical derived ones', async () => {
    const twice = (info: string) => `  - model_name: m\n    litellm_params: { model: gpt-4o }\n${info}`;
    const dup = tempDir({ 'config.yaml': `model_list:\n${twice('    model_info: { id: a }\n').repeat(2)}` });
    await assert.rejects(
      load({ config: 'config.yaml' }, {}, dup),
      /model_list\[1\]\.model_info\.id: "a" is already the id of model_list\[0\]/,
    );
    const same = tempDir({ 'config.yaml': `model_list:\n${twice('').repeat(2)}` });
    const [a, b] = (await load({ config: 'config.yaml' }, {}, same)).config.deployments;
    assert.equal(b?.id, `${a?.id}-2`);
  });

  it('refuses a provider that is not supported yet, naming the entry', async () => {
    const dir = tempDir({
      'config.yaml': `model_list:\n${['gpt-4o', 'mock/x', 'cohere/command-r'].map((m, i) => `  - model_name: m${i}\n    litellm_params: { model: ${m} }\n`).join('')}`,
    });
    await assert.rejects(load({ config: 'config.yaml' }, {}, dir), {
      name: 'ConfigError',
      message:
        'config.yaml: model_list[2].litellm_params.model: provider "cohere" is not supported yet (supported: openai, azure, anthropic, gemini, groq, together_ai, deepseek, mistral, openrouter, fireworks_ai, xai, perplexity, deepinfra, cerebras, nvidia_nim, sambanova, nebius, lm_studio, hosted_vllm, vllm, ollama, ollama_chat, mock)',
    });
  });

  it('says when a config file does not exist', async () => {
    await assert.rejects(load({ config: 'missing.yaml' }), {
      name: 'ConfigError',
      message: 'config file not found: missing.yaml',
    });
  });

  it('lets flags override the config', async () => {
    const dir = tempDir({ 'config.yaml': LITELLM_CONFIG });
    const { config } = await load(
      { config: 'config.yaml', requestTimeout: 5, port: 9000 },
      { OPENAI_API_KEY: 'k', PORT: '7000' },
      dir,
    );
    assert.equal(config.requestTimeoutMs, 5000);
    assert.equal(config.port, 9000);
  });

  it('applies --temperature and --max_tokens to every deployment when there is no --model', async () => {
    const dir = tempDir({ 'config.yaml': LITELLM_CONFIG });
    const { config } = await load(
      { config: 'config.yaml', temperature: 0, maxTokens: 64 },
      { OPENAI_API_KEY: 'k' },
      dir,
    );
    for (const d of config.deployments) assert.deepEqual(d.params, { temperature: 0, max_tokens: 64 });
  });

  it('adds the --model deployment to the config list', async () => {
    const dir = tempDir({ 'config.yaml': LITELLM_CONFIG });
    const { config } = await load(
      { config: 'config.yaml', model: 'mock/echo' },
      { OPENAI_API_KEY: 'k' },
      dir,
    );
    assert.deepEqual(
      config.deployments.map((d) => d.modelName),
      ['gpt-4o-mini', 'gpt-4o-mini', 'local', 'mock/echo'],
    );
  });
});

describe('hiding prompts and answers from traces', () => {
  it('follows OPENINFERENCE_HIDE_* and LiteLLM turn_off_message_logging', async () => {
    const plain = await load();
    assert.deepEqual([plain.config.hideInputs, plain.config.hideOutputs], [false, false]);
    const env = await load({}, { OPENINFERENCE_HIDE_INPUTS: 'true' });
    assert.deepEqual([env.config.hideInputs, env.config.hideOutputs], [true, false]);
    const dir = tempDir({ 'config.yaml': 'litellm_settings:\n  turn_off_message_logging: true\n' });
    const file = await load({ config: 'config.yaml' }, {}, dir);
    assert.deepEqual([file.config.hideInputs, file.config.hideOutputs], [true, true]);
    assert.ok(!file.warnings.some((w) => w.includes('turn_off_message_logging')), 'no longer warned about');
  });
});
