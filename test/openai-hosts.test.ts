/**
 * OpenAI-compatible hosts by prefix (groq/, ollama/, hosted_vllm/, nvidia_nim/, sambanova/, nebius/, …): the request goes to the host's
 * OpenAI path under the configured api_base, with the model id after the prefix, and the answer reaches
 * the client in OpenAI's shape with usage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseArgs } from '../src/cli/args.ts';
import { loadConfig } from '../src/config/load.ts';
import { type RunningGateway, startGateway } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { tempDir } from './helpers/temp-dir.ts';

describe('OpenAI-compatible hosts', () => {
  let upstream: MockUpstream;
  let gateway: RunningGateway;
  before(async () => {
    upstream = await startMockUpstream();
    const ollamaBase = upstream.url.replace(/\/v1$/, '');
    const dir = tempDir({
      'config.yaml': `model_list:
  - model_name: fast
    litellm_params: { model: groq/llama-3.1-8b-instant, api_base: ${upstream.url}, api_key: sk-test-groq }
  - model_name: local
    litellm_params: { model: ollama/llama3.2, api_base: ${ollamaBase} }
  - model_name: vllm
    litellm_params: { model: hosted_vllm/meta-llama/Llama-3.1-8B-Instruct, api_base: ${upstream.url} }
  - model_name: nim
    litellm_params: { model: nvidia_nim/meta/llama-3.1-8b-instruct }
  - model_name: samba
    litellm_params: { model: sambanova/Meta-Llama-3.3-70B-Instruct }
  - model_name: nebius
    litellm_params: { model: nebius/meta-llama/Meta-Llama-3.1-8B-Instruct }
`,
    });
    // These three take address and key from LiteLLM's variables, as a config moved from LiteLLM would.
    const env = {
      NVIDIA_NIM_API_BASE: upstream.url,
      NVIDIA_NIM_API_KEY: 'sk-test-nim',
      SAMBANOVA_API_BASE: upstream.url,
      SAMBANOVA_API_KEY: 'sk-test-samba',
      NEBIUS_API_BASE: upstream.url,
      NEBIUS_API_KEY: 'sk-test-nebius',
    };
    const { config } = await loadConfig(parseArgs(['-c', 'config.yaml']), env, dir);
    gateway = await startGateway({ ...config, host: '127.0.0.1', port: 0, logLevel: 'warn' });
  });
  after(async () => {
    // A config that fails to load leaves no gateway; the upstream must still close, or the run hangs.
    await gateway?.close();
    await upstream?.close();
  });

  for (const [group, model, key] of [
    ['fast', 'llama-3.1-8b-instant', 'Bearer sk-test-groq'],
    ['local', 'llama3.2', undefined],
    ['vllm', 'meta-llama/Llama-3.1-8B-Instruct', undefined],
    ['nim', 'meta/llama-3.1-8b-instruct', 'Bearer sk-test-nim'],
    ['samba', 'Meta-Llama-3.3-70B-Instruct', 'Bearer sk-test-samba'],
    ['nebius', 'meta-llama/Meta-Llama-3.1-8B-Instruct', 'Bearer sk-test-nebius'],
  ] as const) {
    it(`${group}: calls /v1/chat/completions with model ${model}`, async () => {
      const answer = await gateway
        .client()
        .chat.completions.create({ model: group, messages: [{ role: 'user', content: 'hi' }] });
      assert.ok(answer.choices[0]?.message.content);
      assert.ok((answer.usage?.total_tokens ?? 0) > 0);
      const call = upstream.received.at(-1);
      assert.match(call?.path ?? '', /^\/v1\/chat\/completions$/);
      assert.equal(call?.body.model, model);
      assert.equal(call?.headers.authorization, key);
    });
  }
});
