import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error.ts';
import { readConfigFile } from './config-file.ts';

function read(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
  writeFileSync(join(dir, 'config.yaml'), yaml);
  return readConfigFile(join(dir, 'config.yaml'), 'config.yaml', env);
}

/** Asserts a ConfigError whose message contains every fragment. */
function rejects(yaml: string, fragments: string[], env: NodeJS.ProcessEnv = {}): string {
  const error = (() => {
    try {
      read(yaml, env);
    } catch (e) {
      return e;
    }
    return assert.fail('expected a ConfigError');
  })();
  assert.ok(error instanceof ConfigError, String(error));
  for (const fragment of fragments)
    assert.ok(error.message.includes(fragment), `"${fragment}" not in:\n${error.message}`);
  return error.message;
}

const entry = (params: string) => `model_list:\n  - model_name: m\n    litellm_params:\n${params}`;

describe('readConfigFile: errors name the key path and what was expected', () => {
  it('reports a wrong type with the path and the line', () => {
    rejects(entry('      model: 5\n'), [
      'config.yaml: model_list[0].litellm_params.model: expected a string, got number (line 4)',
    ]);
  });

  it('reports a missing required key', () => {
    rejects('model_list:\n  - model_name: m\n    litellm_params: {}\n', [
      'model_list[0].litellm_params.model is required',
    ]);
    rejects('model_list:\n  - litellm_params: { model: x }\n', ['model_list[0].model_name is required']);
  });

  it('lists every problem at once', () => {
    const message = rejects(
      entry(
        '      model: gpt-4o\n      timeout: -1\n      max_retries: 1.5\nlitellm_settings:\n  drop_params: maybe\n',
      ),
      [
        'model_list[0].litellm_params.timeout must be greater than 0',
        'model_list[0].litellm_params.max_retries: expected a whole number, got a fraction',
        'litellm_settings.drop_params: expected true or false, got string',
      ],
    );
    assert.equal(message.split('\n').length, 3);
  });

  it('reports a YAML syntax error with its line, without echoing the line', () => {
    const message = rejects('general_settings:\n  master_key: "sk-live-secret\n  other: 1\n', [
      'config.yaml:',
      'YAML syntax error',
    ]);
    assert.match(message, /^config\.yaml:\d+:\d+: /);
    assert.ok(!message.includes('sk-live-secret'));
  });

  it('refuses a file whose top level is not a mapping', () => {
    rejects('- a\n- b\n', ['config.yaml: expected a mapping', 'got list']);
  });

  it('never prints the value at a wrong path', () => {
    const message = rejects(entry('      model: gpt-4o\n      api_key: [sk-live-secret]\n'), [
      'api_key: expected a string, got list',
    ]);
    assert.ok(!message.includes('sk-live-secret'));
  });
});

describe('readConfigFile: accepted values', () => {
  it('takes an empty file as no models', () => {
    assert.deepEqual(read(''), { config: {}, warnings: [] });
  });

  it('takes numbers written as strings and YAML merge keys, as PyYAML-read configs do', () => {
    const { config } = read(
      'base: &base\n  model: gpt-4o-mini\n  timeout: "30"\nmodel_list:\n  - model_name: m\n    litellm_params:\n      <<: *base\n      drop_params: "true"\n',
    );
    assert.deepEqual(config.model_list?.[0]?.litellm_params, {
      model: 'gpt-4o-mini',
      timeout: 30,
      drop_params: true,
    });
  });

  it('treats `key:` with no value as unset', () => {
    const { config } = read(`${entry('      model: gpt-4o\n      api_key:\n')}litellm_settings:\n`);
    assert.deepEqual(config.model_list?.[0]?.litellm_params, { model: 'gpt-4o' });
    assert.equal(config.litellm_settings, undefined);
  });
});

describe('readConfigFile: unsupported and unknown keys are warnings, never silent, never fatal', () => {
  it('names each ignored key by its path', () => {
    const { warnings } = read(
      'litellm_settings:\n  callbacks: ["otel"]\n  fallbacks: []\n  drop_params: true\n' +
        'router_settings:\n  routing_strategy: least-busy\n  retry_policy: {}\n' +
        'general_settings:\n  database_connection_pool_limit: 10\n  colour: blue\n' +
        'my_own_section: {}\n',
    );
    assert.deepEqual(warnings, [
      'my_own_section is not a known key and is ignored',
      'litellm_settings.callbacks: Tollgate always traces; the value is accepted and ignored',
      'router_settings.retry_policy is not supported yet and is ignored',
      'general_settings.database_connection_pool_limit is not supported yet and is ignored',
      'general_settings.colour is not a known key and is ignored',
    ]);
  });

  it('keeps unknown litellm_params as request parameters but takes out LiteLLM-only ones', () => {
    const { config, warnings } = read(
      'model_list:\n' +
        '  - model_name: a\n    litellm_params: { model: gpt-4o, temperature: 0.1, stop: ["END"], organization: org-1, rpm: 10 }\n' +
        '  - model_name: b\n    litellm_params: { model: gpt-4o, organization: org-2 }\n    extra: 1\n',
    );
    assert.deepEqual(config.model_list?.[0]?.litellm_params, {
      model: 'gpt-4o',
      temperature: 0.1,
      stop: ['END'],
      rpm: 10,
    });
    assert.deepEqual(warnings, [
      'model_list[1].extra is not a known key and is ignored',
      'model_list[0].litellm_params.organization (and 1 more model_list entry) is not supported yet and is ignored',
    ]);
  });
});

describe('readConfigFile: os.environ/ references and environment_variables', () => {
  it('resolves references anywhere, nested included', () => {
    const env = { KEY: 'sk-from-env', BASE: 'http://localhost:8000/v1', STOP: 'END', MASTER: 'sk-master' };
    const { config } = read(
      `${entry('      model: gpt-4o\n      api_key: os.environ/KEY\n      api_base: os.environ/BASE\n      stop: [os.environ/STOP]\n')}` +
        'general_settings:\n  master_key: os.environ/MASTER\n',
      env,
    );
    assert.deepEqual(config.model_list?.[0]?.litellm_params, {
      model: 'gpt-4o',
      api_key: 'sk-from-env',
      api_base: 'http://localhost:8000/v1',
      stop: ['END'],
    });
    assert.equal(config.general_settings?.master_key, 'sk-master');
  });

  it('refuses a reference to an unset variable, naming the path and the variable', () => {
    rejects(entry('      model: gpt-4o\n      api_key: os.environ/FOO_KEY\n'), [
      'config.yaml: model_list[0].litellm_params.api_key: os.environ/FOO_KEY is not set (line 5)',
    ]);
  });

  it('ignores references under settings it ignores anyway', () => {
    const { warnings } = read(
      'litellm_settings:\n  cache_params: { password: os.environ/UNSET_REDIS_PASSWORD }\n',
    );
    assert.deepEqual(warnings, ['litellm_settings.cache_params is not supported yet and is ignored']);
  });

  it('applies environment_variables over the environment, before resolving references', () => {
    const env: NodeJS.ProcessEnv = { REGION: 'from-shell', UPSTREAM: 'sk-upstream' };
    const { config, warnings } = read(
      'environment_variables:\n  REGION: from-config\n  RETRIES: 3\n  VERBOSE: false\n  MY_KEY: os.environ/UPSTREAM\n  GONE: os.environ/NOT_SET\n' +
        entry('      model: gpt-4o\n      api_key: os.environ/MY_KEY\n'),
      env,
    );
    assert.equal(env.REGION, 'from-config', 'LiteLLM sets them over the real environment');
    assert.equal(env.RETRIES, '3');
    assert.equal(env.VERBOSE, 'false');
    assert.equal(env.GONE, undefined);
    assert.equal(config.model_list?.[0]?.litellm_params.api_key, 'sk-upstream');
    assert.deepEqual(warnings, [
      'environment_variables.GONE: os.environ/NOT_SET is not set; GONE is left unchanged',
    ]);
  });
});
