import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDeployment } from './deployment.ts';
import type { ModelEntry } from './schema.ts';

/** One `model_list` entry built with `env`: the deployment and the warnings it gave. */
function build(litellmParams: ModelEntry['litellm_params'], env: NodeJS.ProcessEnv = {}) {
  const warnings: string[] = [];
  const entry: ModelEntry = { model_name: 'm', litellm_params: litellmParams };
  const deployment = buildDeployment(entry, 'model_list[0]', env, warnings);
  return { deployment, warnings };
}

describe('a deployment takes what its config leaves out from the provider environment', () => {
  it('reads the key from the first variable set, in LiteLLM order, and api_base over it', () => {
    const env = { TOGETHER_API_KEY: 'k2', TOGETHERAI_API_KEY: 'k1' };
    assert.equal(build({ model: 'together_ai/m' }, env).deployment.apiKey, 'k1');
    assert.equal(build({ model: 'together_ai/m' }, { TOGETHER_API_KEY: 'k2' }).deployment.apiKey, 'k2');
    assert.equal(build({ model: 'together_ai/m', api_key: 'own' }, env).deployment.apiKey, 'own');
    const openai = { OPENAI_API_BASE: 'http://b', OPENAI_BASE_URL: 'http://a' };
    assert.equal(build({ model: 'gpt-4o' }, openai).deployment.apiBase, 'http://a');
    assert.equal(build({ model: 'gpt-4o', api_base: 'http://c' }, openai).deployment.apiBase, 'http://c');
  });

  it('reads the NVIDIA NIM, SambaNova and Nebius key and address from their LiteLLM variables', () => {
    for (const [prefix, vars] of [
      ['nvidia_nim', 'NVIDIA_NIM'],
      ['sambanova', 'SAMBANOVA'],
      ['nebius', 'NEBIUS'],
    ] as const) {
      const env = { [`${vars}_API_KEY`]: `key-${prefix}`, [`${vars}_API_BASE`]: `http://${prefix}.test/v1` };
      const { deployment, warnings } = build({ model: `${prefix}/org/model` }, env);
      assert.deepEqual(
        [deployment.provider, deployment.model, deployment.apiKey, deployment.apiBase],
        [prefix, 'org/model', `key-${prefix}`, `http://${prefix}.test/v1`],
      );
      assert.deepEqual(warnings, []);
      assert.equal(
        build({ model: `${prefix}/m`, api_base: 'http://own' }, env).deployment.apiBase,
        'http://own',
      );
      assert.deepEqual(build({ model: `${prefix}/m` }).warnings, [
        `model "m": no api_key and ${vars}_API_KEY is not set`,
      ]);
    }
  });

  it('reads the api version of azure deployments', () => {
    const env = { AZURE_API_BASE: 'https://r.openai.azure.com', AZURE_API_VERSION: '2025-01-01' };
    const { deployment } = build({ model: 'azure/gpt-4o', api_key: 'k' }, env);
    assert.equal(deployment.apiBase, 'https://r.openai.azure.com');
    assert.equal(deployment.apiVersion, '2025-01-01');
  });

  it('warns when a hosted provider has no key, naming its variables', () => {
    assert.deepEqual(build({ model: 'groq/llama-3.1-8b-instant' }).warnings, [
      'model "m": no api_key and GROQ_API_KEY is not set',
    ]);
    assert.deepEqual(build({ model: 'gemini/gemini-2.0-flash' }).warnings, [
      'model "m": no api_key and GEMINI_API_KEY / GOOGLE_API_KEY is not set',
    ]);
    assert.deepEqual(build({ model: 'text-completion-openai/gpt-3.5-turbo-instruct' }).warnings, [
      'model "m": no api_key and OPENAI_API_KEY is not set',
    ]);
  });

  it('expects no key from local servers and the mock, and reads local addresses from the environment', () => {
    const env = { OLLAMA_API_BASE: 'http://gpu:11434', LM_STUDIO_API_BASE: 'http://gpu:1234/v1' };
    for (const model of ['ollama/llama3.2', 'ollama_chat/llama3.2', 'lm_studio/qwen', 'mock/demo']) {
      assert.deepEqual(build({ model }, env).warnings, [], model);
    }
    assert.equal(build({ model: 'ollama_chat/llama3.2' }, env).deployment.apiBase, 'http://gpu:11434');
    assert.equal(build({ model: 'lm_studio/qwen' }, env).deployment.apiBase, 'http://gpu:1234/v1');
    const vllm = build({ model: 'vllm/m' }, { HOSTED_VLLM_API_BASE: 'http://gpu:8000/v1' });
    assert.equal(vllm.deployment.apiBase, 'http://gpu:8000/v1');
    assert.equal(vllm.deployment.provider, 'vllm', 'keeps the prefix as written');
  });

  it('refuses a server without a default address when neither api_base nor its variable is set', () => {
    for (const provider of ['hosted_vllm', 'vllm'])
      assert.throws(() => build({ model: `${provider}/m` }), {
        name: 'ConfigError',
        message: `model_list[0]: a ${provider}/ deployment needs api_base (or HOSTED_VLLM_API_BASE)`,
      });
    assert.throws(() => build({ model: 'azure/gpt-4o', api_key: 'k' }), {
      name: 'ConfigError',
      message:
        'model_list[0]: an azure/ deployment needs api_base (or AZURE_API_BASE): https://<resource>.openai.azure.com',
    });
  });
});
