/**
 * Wildcard model groups from a LiteLLM config.yaml, through the real server and the openai SDK:
 * `openai/*` serves any OpenAI model by name, a more specific pattern wins over a broader one, `*` with
 * `model: "*"` reads the provider from the client's model name, exact groups win over patterns, and a
 * name that matches but cannot be served is a clear 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { parseArgs } from '../src/cli/args.ts';
import { loadConfig } from '../src/config/load.ts';
import { type RunningGateway, startGateway } from './helpers/gateway-server.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { tempDir } from './helpers/temp-dir.ts';

describe('wildcard model groups', () => {
  let openai: MockUpstream;
  let team: MockUpstream;
  let exact: MockUpstream;
  let gateway: RunningGateway;

  before(async () => {
    [openai, team, exact] = await Promise.all([
      startMockUpstream(),
      startMockUpstream(),
      startMockUpstream(),
    ]);
    const yaml = `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${exact.url}", api_key: sk-test-exact }
  - model_name: "team/*"
    litellm_params: { model: "openai/*", api_base: "${team.url}", api_key: sk-test-team, temperature: 0.1 }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*", api_key: os.environ/OPENAI_API_KEY }
  - model_name: "*"
    litellm_params: { model: "*" }
`;
    const env = { OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: openai.url };
    const dir = tempDir({ 'config.yaml': yaml });
    const { config } = await loadConfig(parseArgs(['--config', 'config.yaml']), env, dir);
    gateway = await startGateway({ ...config, logLevel: 'warn' });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), team.close(), exact.close()]);
  });

  const ask = (model: string) =>
    gateway
      .client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

  it('serves any model under a prefix pattern, with the entry’s key, base and parameters', async () => {
    const { data, response } = await ask('team/gpt-4.1-mini');
    assert.ok(data.choices[0]?.message.content);
    const call = team.received.at(-1);
    assert.equal(call?.body.model, 'gpt-4.1-mini');
    assert.equal(call?.body.temperature, 0.1);
    assert.equal(call?.headers.authorization, 'Bearer sk-test-team');
    assert.equal(response.headers.get('x-tollgate-model-group'), 'team/gpt-4.1-mini');
  });

  it('prefers an exact group, then the most specific pattern', async () => {
    await ask('gpt-4o');
    assert.equal(exact.received.at(-1)?.body.model, 'gpt-4o');
    await ask('openai/o4-mini');
    assert.equal(openai.received.at(-1)?.body.model, 'o4-mini');
    assert.equal(openai.received.at(-1)?.headers.authorization, 'Bearer sk-test-openai');
  });

  it('reads the provider from the name under `*`', async () => {
    const before = openai.received.length;
    await ask('gpt-4.1-nano');
    assert.equal(openai.received.length, before + 1, 'a bare name is an OpenAI model');
    assert.equal(openai.received.at(-1)?.body.model, 'gpt-4.1-nano');
  });

  it('answers 400 for a name a wildcard matches but no provider serves', async () => {
    await assert.rejects(ask('cohere/command-r'), (err) => {
      assert.ok(err instanceof OpenAI.BadRequestError, String(err));
      assert.match(err.message, /matches `\*` but cannot be served: provider "cohere" is not supported yet/);
      return true;
    });
  });

  it('lists the patterns in /v1/models', async () => {
    const ids = [];
    for await (const m of gateway.client().models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['gpt-4o', 'team/*', 'openai/*', '*']);
  });
});
