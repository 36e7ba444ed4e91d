import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { ConfigError } from './config-error.ts';
import { loadConfig } from './load.ts';

const load = (yaml: string | undefined, env: NodeJS.ProcessEnv = {}) => {
  const dir = tempDir(yaml === undefined ? {} : { 'config.yaml': yaml });
  const flags = { dropParams: false, detailedDebug: false, warnings: [] };
  return loadConfig(yaml === undefined ? flags : { ...flags, config: join(dir, 'config.yaml') }, env, dir);
};

describe('cors_allow_origins and allowed_hosts', () => {
  it('are unset by default: only same-origin pages and local names', async () => {
    const { config } = await load(undefined);
    assert.equal(config.corsAllowOrigins, undefined);
    assert.equal(config.allowedHosts, undefined);
  });

  it('take lists from config.yaml, normalised as browsers send them', async () => {
    const { config, warnings } = await load(
      'general_settings:\n' +
        '  cors_allow_origins: ["https://App.Example.com/", "http://localhost:80", "chrome-extension://abcdef"]\n' +
        '  allowed_hosts: [Tollgate.Internal., "*.corp.example"]\n',
    );
    assert.deepEqual(config.corsAllowOrigins, [
      'https://app.example.com',
      'http://localhost',
      'chrome-extension://abcdef',
    ]);
    assert.deepEqual(config.allowedHosts, ['tollgate.internal', '*.corp.example']);
    assert.deepEqual(warnings, [], 'both are known keys');
  });

  it('take comma-separated strings from the environment; config.yaml wins', async () => {
    const env = {
      LITELLM_CORS_ALLOW_ORIGINS: 'https://a.example, https://b.example',
      TOLLGATE_ALLOWED_HOSTS: 'gw.internal',
    };
    const fromEnv = (await load(undefined, env)).config;
    assert.deepEqual(fromEnv.corsAllowOrigins, ['https://a.example', 'https://b.example']);
    assert.deepEqual(fromEnv.allowedHosts, ['gw.internal']);
    const fromFile = (await load('general_settings:\n  cors_allow_origins: https://c.example\n', env)).config;
    assert.deepEqual(fromFile.corsAllowOrigins, ['https://c.example']);
  });

  it('refuse what is not an origin or a host name, naming the key', async () => {
    for (const bad of ['https://a.example/path', 'a.example', 'https://user@a.example']) {
      await assert.rejects(
        load(`general_settings:\n  cors_allow_origins: ["${bad}"]\n`),
        (err: unknown) =>
          err instanceof ConfigError &&
          /general_settings\.cors_allow_origins: ".*" is not an origin/.test(err.message),
      );
    }
    await assert.rejects(
      load(undefined, { TOLLGATE_ALLOWED_HOSTS: 'http://gw.internal:4000' }),
      /TOLLGATE_ALLOWED_HOSTS: "http:\/\/gw\.internal:4000" is not a host name/,
    );
  });

  it('warn when "*" opens the gateway to every page without a master key', async () => {
    const open = await load('general_settings:\n  cors_allow_origins: "*"\n  allowed_hosts: "*"\n');
    assert.ok(open.warnings.some((w) => /any web page can use the gateway/.test(w)));
    assert.ok(open.warnings.some((w) => /DNS rebinding protection is off/.test(w)));
    const keyed = await load('general_settings:\n  master_key: sk-1\n  cors_allow_origins: "*"\n');
    assert.deepEqual(keyed.warnings, []);
  });

  it("name LiteLLM's other CORS keys as not supported", async () => {
    const { warnings } = await load('general_settings:\n  cors_allow_credentials: true\n');
    assert.deepEqual(warnings, [
      'general_settings.cors_allow_credentials is not supported yet and is ignored',
    ]);
  });
});
