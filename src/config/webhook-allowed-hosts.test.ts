import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { ConfigError } from './config-error.ts';
import { loadConfig } from './load.ts';

const load = (env: NodeJS.ProcessEnv, files: Record<string, string> = {}) =>
  loadConfig(
    {
      dropParams: false,
      detailedDebug: false,
      warnings: [],
      ...(files['config.yaml'] ? { config: 'config.yaml' } : {}),
    },
    env,
    tempDir(files),
  );

const CONFIG = (hosts: string) => `
model_list:
  - model_name: demo
    litellm_params: { model: mock/demo }
general_settings:
  webhook_allowed_hosts: ${hosts}
`;

describe('webhook_allowed_hosts', () => {
  it('is empty unless set: no loopback, private or link-local webhook', async () => {
    assert.deepEqual((await load({})).config.webhookAllowedHosts, []);
  });

  it('is read from TOLLGATE_WEBHOOK_ALLOWED_HOSTS, comma-separated', async () => {
    const { config } = await load({ TOLLGATE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, 10.0.0.0/8,hooks.internal' });
    assert.deepEqual(config.webhookAllowedHosts, ['127.0.0.1', '10.0.0.0/8', 'hooks.internal']);
  });

  it("config.yaml's list wins over the environment, without a warning", async () => {
    const { config, warnings } = await load(
      { TOLLGATE_WEBHOOK_ALLOWED_HOSTS: '10.0.0.1' },
      { 'config.yaml': CONFIG('["fd00::/8", "alerts.corp"]') },
    );
    assert.deepEqual(config.webhookAllowedHosts, ['fd00::/8', 'alerts.corp']);
    assert.deepEqual(warnings, []);
  });

  it('refuses an entry that is not a host name, address or CIDR range, naming it', async () => {
    await assert.rejects(
      load({}, { 'config.yaml': CONFIG('["10.0.0.0/40"]') }),
      (err: Error) => err instanceof ConfigError && /webhook_allowed_hosts: "10.0.0.0\/40"/.test(err.message),
    );
    await assert.rejects(
      load({ TOLLGATE_WEBHOOK_ALLOWED_HOSTS: 'http://x' }),
      (err: Error) =>
        err instanceof ConfigError && /TOLLGATE_WEBHOOK_ALLOWED_HOSTS: "http:\/\/x"/.test(err.message),
    );
  });
});
