import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { cleanEnv, runCli, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

describe('the tollgate command', () => {
  let upstream: MockUpstream;
  before(async () => {
    upstream = await startMockUpstream();
  });
  after(() => upstream.close());

  it('prints its version and a readable --help', async () => {
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^tollgate \d+\.\d+\.\d+/);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--config', '--model', '--drop_params', '--port', '--health', '--validate_config']) {
      assert.ok(help.stdout.includes(flag), flag);
    }
  });

  it('rejects an unknown flag with status 2 and points at --help', async () => {
    const run = await runCli(['--no-such-flag']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--help/);
  });

  it('fails a wrong config at start, naming the key path and what was expected', async () => {
    const dir = tempDir({
      'config.yaml': 'model_list:\n  - model_name: x\n    litellm_params:\n      model: 42\n',
    });
    const run = await runCli(['--config', 'config.yaml', '--validate_config'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /model_list\[0\]\.litellm_params\.model/);
    assert.match(run.stderr, /expected a string/);
  });

  it('warns about config keys it does not support yet, and still validates', async () => {
    const yaml =
      'model_list:\n  - model_name: x\n    litellm_params:\n      model: mock/x\nrouter_settings:\n  retry_policy: {}\n';
    const run = await runCli(['--config', 'config.yaml', '--validate_config'], {
      cwd: tempDir({ 'config.yaml': yaml }),
    });
    assert.equal(run.code, 0);
    assert.match(run.stderr, /router_settings\.retry_policy/);
    assert.match(run.stdout, /Config is valid/);
  });

  it('serves the demo model with no flags and no key, and lists it at start-up', async () => {
    const server = await startCli([], { cwd: tempDir({}) });
    try {
      assert.match(server.output(), /demo/);
      assert.match(server.output(), /every caller is let in/);
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
      const answer = await client.chat.completions.create({
        model: 'demo',
        messages: [{ role: 'user', content: 'hello' }],
      });
      assert.ok((answer.choices[0]?.message.content ?? '').length > 20);
    } finally {
      assert.equal(await server.stop(), 0, 'SIGTERM exits cleanly');
    }
  });

  it('runs a LiteLLM config.yaml with os.environ/ keys, read from .env too', async () => {
    const yaml = [
      'model_list:',
      '  - model_name: gpt-4o-mini',
      '    litellm_params:',
      '      model: openai/gpt-4o-mini',
      '      api_base: os.environ/UPSTREAM_BASE',
      '      api_key: os.environ/UPSTREAM_KEY',
      '    model_info:',
      '      id: primary',
      'litellm_settings:',
      '  drop_params: true',
      'general_settings:',
      '  master_key: os.environ/LITELLM_MASTER_KEY',
    ].join('\n');
    const dir = tempDir({
      'config.yaml': yaml,
      '.env': 'UPSTREAM_KEY=sk-test-from-dotenv\nLITELLM_MASTER_KEY=sk-test-ignored\n',
    });
    const env = cleanEnv({ UPSTREAM_BASE: upstream.url, LITELLM_MASTER_KEY: 'sk-test-master' });
    const server = await startCli(['--config', 'config.yaml'], { cwd: dir, env });
    try {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-test-master', maxRetries: 0 });
      const { response } = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      assert.equal(response.headers.get('x-tollgate-model-id'), 'primary');
      assert.equal(upstream.received.at(-1)?.headers.authorization, 'Bearer sk-test-from-dotenv');
      const wrong = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-test-ignored', maxRetries: 0 });
      await assert.rejects(wrong.models.list(), { status: 401 }, '.env does not override the shell');
      assert.ok(!server.output().includes('sk-test-from-dotenv'), 'no key in the output');
    } finally {
      await server.stop();
    }
  });

  it('reports model health with --health and exits non-zero when one is down', async () => {
    const yaml = `model_list:\n  - model_name: up\n    litellm_params:\n      model: openai/up\n      api_base: ${upstream.url}\n      api_key: sk-test-x\n  - model_name: down\n    litellm_params:\n      model: openai/down\n      api_base: http://127.0.0.1:9/v1\n      api_key: sk-test-x\n`;
    const run = await runCli(['--config', 'config.yaml', '--health'], {
      cwd: tempDir({ 'config.yaml': yaml }),
    });
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as { healthy_count: number; unhealthy_count: number };
    assert.deepEqual([report.healthy_count, report.unhealthy_count], [1, 1]);
  });
});
