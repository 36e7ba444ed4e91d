/**
 * `GET /metrics` end to end: LiteLLM's Prometheus metrics after real requests through the server, with
 * virtual keys on SQLite and a priced mock upstream (each answer costs $0.026: 12 input tokens at
 * $0.001, 7 output at $0.002) — requests and failures with their status and exception, spend and tokens
 * per key, latency histograms on LiteLLM's buckets, deployment successes and failures, fallbacks, and
 * the remaining budget of the key, its team and its user.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { deployment, type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { chat, MASTER, newKey } from './helpers/keys.ts';
import { managementApi } from './helpers/management-api.ts';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';

const COST = 0.026;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function scrape(url: string, key?: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${url}/metrics`, {
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** The lines of `name` (a sample name, `…_total`, `…_bucket`) carrying every label given. */
function lines(text: string, name: string, labels: Record<string, string>): string[] {
  return text
    .split('\n')
    .filter(
      (line) =>
        line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)),
    );
}

/** The one sample's value; fails when there is not exactly one. */
function value(text: string, name: string, labels: Record<string, string>): number {
  const found = lines(text, name, labels);
  assert.equal(found.length, 1, `one ${name} ${JSON.stringify(labels)}, found:\n${found.join('\n')}`);
  return Number((found[0] as string).slice((found[0] as string).lastIndexOf(' ') + 1));
}

function metricsTests(label: string, extra: { metricsRequireAuth?: boolean; metricsEndUsers?: boolean }) {
  describe(`GET /metrics (${label})`, () => {
    let upstream: MockUpstream;
    let backup: MockUpstream;
    let gateway: RunningGateway;
    const api = managementApi(() => gateway.url);
    const flush = () => gateway.keys?.spend.flush();

    before(async () => {
      upstream = await startMockUpstream();
      backup = await startMockUpstream();
      const priced = { input_cost_per_token: 0.001, output_cost_per_token: 0.002 };
      gateway = await startGateway(
        testConfig({
          masterKey: MASTER,
          ...extra,
          fallbacks: {
            general: { primary: ['backup'], lonely: ['broken'] },
            contextWindow: {},
            contentPolicy: {},
            default: [],
          },
          deployments: [
            deployment({
              modelName: 'priced',
              model: 'my-finetune',
              apiBase: upstream.url,
              modelInfo: priced,
            }),
            deployment({
              modelName: 'primary',
              model: 'primary-model',
              apiBase: upstream.url,
              modelInfo: priced,
            }),
            deployment({
              modelName: 'lonely',
              model: 'lonely-model',
              apiBase: upstream.url,
              modelInfo: priced,
            }),
            deployment({
              modelName: 'broken',
              model: 'broken-model',
              apiBase: backup.url,
              modelInfo: priced,
            }),
            deployment({
              modelName: 'backup',
              model: 'backup-model',
              apiBase: backup.url,
              modelInfo: priced,
            }),
          ],
        }),
        undefined,
        undefined,
        undefined,
        { sqlitePath: ':memory:' },
      );
    });
    after(async () => {
      await gateway.close();
      await upstream.close();
      await backup.close();
    });

    it('is served in Prometheus text format, with Node process metrics', async () => {
      const answer = await scrape(gateway.url, extra.metricsRequireAuth ? MASTER : undefined);
      assert.equal(answer.status, 200);
      assert.match(answer.type, /^text\/plain; version=0\.0\.4/);
      assert.match(answer.text, /^process_cpu_user_seconds_total \d/m);
      assert.match(answer.text, /^# TYPE litellm_proxy_total_requests_metric_total counter$/m);
    });

    it('counts a master-key request with the master key hashed, the route, status and latencies', async () => {
      assert.equal((await chat(gateway.url, MASTER, 'priced', { user: 'customer-7' })).status, 200);
      const { text } = await scrape(gateway.url, MASTER);
      const who = { hashed_api_key: sha256(MASTER), api_key_alias: 'None', requested_model: 'priced' };
      assert.equal(
        value(text, 'litellm_proxy_total_requests_metric_total', {
          ...who,
          status_code: '200',
          route: '/v1/chat/completions',
          model_id: 'priced-id',
        }),
        1,
      );
      assert.equal(
        value(text, 'litellm_requests_metric_total', {
          hashed_api_key: sha256(MASTER),
          model: 'my-finetune',
        }),
        1,
      );
      // LiteLLM's buckets, written as Prometheus' Python client writes them.
      const buckets = lines(text, 'litellm_request_total_latency_metric_bucket', who).map(
        (l) => /le="([^"]+)"/.exec(l)?.[1],
      );
      assert.deepEqual(buckets.slice(0, 9), [
        '0.005',
        '0.00625',
        '0.0125',
        '0.025',
        '0.05',
        '0.1',
        '0.5',
        '1.0',
        '1.5',
      ]);
      assert.equal(buckets.at(-1), '+Inf');
      assert.equal(buckets.length, 36);
      assert.equal(value(text, 'litellm_request_total_latency_metric_count', who), 1);
      assert.equal(value(text, 'litellm_llm_api_latency_metric_count', who), 1);
      assert.equal(
        value(text, 'litellm_overhead_latency_metric_count', {
          model_group: 'priced',
          api_provider: 'openai',
        }),
        1,
      );
      assert.equal(
        value(text, 'litellm_deployment_success_responses_total', {
          litellm_model_name: 'my-finetune',
          model_id: 'priced-id',
        }),
        1,
      );
      // Counters are written as floats, as LiteLLM's are.
      assert.match(lines(text, 'litellm_requests_metric_total', { model: 'my-finetune' })[0] ?? '', / 1\.0$/);
      if (extra.metricsEndUsers)
        assert.ok(
          Math.abs(value(text, 'litellm_spend_metric_total', { end_user: 'customer-7' }) - COST) < 1e-9,
        );
      else assert.ok(!text.includes('customer-7'), 'no end user unless asked for');
    });

    it('counts a failure with its status and exception class, per request and per deployment', async () => {
      upstream.queue({ status: 429, body: { error: { message: 'slow down', type: 'rate_limit_error' } } });
      assert.equal((await chat(gateway.url, MASTER, 'priced')).status, 429);
      const { text } = await scrape(gateway.url, MASTER);
      const failed = {
        hashed_api_key: sha256(MASTER),
        requested_model: 'priced',
        exception_class: 'Openai.RateLimitError',
        exception_status: '429',
        route: '/v1/chat/completions',
      };
      assert.equal(value(text, 'litellm_proxy_failed_requests_metric_total', failed), 1);
      assert.equal(
        value(text, 'litellm_proxy_total_requests_metric_total', {
          requested_model: 'priced',
          status_code: '429',
        }),
        1,
      );
      assert.equal(
        value(text, 'litellm_deployment_failure_responses_total', {
          model_id: 'priced-id',
          exception_status: '429',
        }),
        1,
      );
      assert.equal(value(text, 'litellm_deployment_total_requests_total', { model_id: 'priced-id' }), 2);
      assert.equal(value(text, 'litellm_deployment_state', { model_id: 'priced-id' }), 1);
    });

    it('counts spend, tokens and the remaining budget of a key, its team and its user', async () => {
      const team = await api('/team/new', { team_alias: 'blue', max_budget: 5, budget_duration: '7d' });
      const user = await api('/user/new', { user_id: 'ann', user_email: 'ann@example.com', max_budget: 3 });
      assert.equal(user.status, 200);
      const { key, token } = await newKey(gateway.url, {
        key_alias: 'ann-key',
        team_id: team.body.team_id,
        user_id: 'ann',
        max_budget: 1,
        budget_duration: '30d',
      });
      for (let i = 0; i < 2; i++) assert.equal((await chat(gateway.url, key, 'priced')).status, 200);
      await flush();
      const { text } = await scrape(gateway.url, MASTER);
      const who = {
        hashed_api_key: token,
        api_key_alias: 'ann-key',
        team: String(team.body.team_id),
        team_alias: 'blue',
        user: 'ann',
        user_email: 'ann@example.com',
      };
      assert.ok(Math.abs(value(text, 'litellm_spend_metric_total', who) - 2 * COST) < 1e-9);
      assert.equal(value(text, 'litellm_input_tokens_metric_total', who), 24);
      assert.equal(value(text, 'litellm_output_tokens_metric_total', who), 14);
      assert.equal(value(text, 'litellm_total_tokens_metric_total', who), 38);
      assert.equal(
        value(text, 'litellm_proxy_total_requests_metric_total', { ...who, status_code: '200' }),
        2,
      );
      const keyLabels = { api_key_alias: 'ann-key', hashed_api_key: token };
      const spent = Number((await api(`/key/info?key=${key}`)).body.info.spend);
      assert.ok(
        Math.abs(value(text, 'litellm_remaining_api_key_budget_metric', keyLabels) - (1 - spent)) < 1e-9,
      );
      assert.equal(value(text, 'litellm_api_key_max_budget_metric', keyLabels), 1);
      const keyHours = value(text, 'litellm_api_key_budget_remaining_hours_metric', keyLabels);
      assert.ok(keyHours > 29 * 24 && keyHours <= 30 * 24, String(keyHours));
      // As LiteLLM's suite reads them: labels in this order.
      assert.match(
        text,
        new RegExp(
          `^litellm_remaining_team_budget_metric\\{team="${team.body.team_id}",team_alias="blue"\\} 4\\.94`,
          'm',
        ),
      );
      assert.equal(value(text, 'litellm_team_max_budget_metric', { team_alias: 'blue' }), 5);
      const teamHours = value(text, 'litellm_team_budget_remaining_hours_metric', { team_alias: 'blue' });
      assert.ok(teamHours > 0 && teamHours <= 168, String(teamHours));
      assert.ok(
        Math.abs(value(text, 'litellm_remaining_user_budget_metric', { user: 'ann' }) - (3 - 2 * COST)) <
          1e-9,
      );
      assert.equal(value(text, 'litellm_user_max_budget_metric', { user: 'ann' }), 3);

      // Read fresh at each scrape: a third request is seen without waiting.
      assert.equal((await chat(gateway.url, key, 'priced')).status, 200);
      const again = await scrape(gateway.url, MASTER);
      assert.ok(
        Math.abs(
          value(again.text, 'litellm_remaining_user_budget_metric', { user: 'ann' }) - (3 - 3 * COST),
        ) < 1e-9,
      );
    });

    it('counts a fallback that answered and one that failed, with the error that caused it', async () => {
      upstream.queue({ status: 429, body: { error: { message: 'slow down', type: 'rate_limit_error' } } });
      assert.equal((await chat(gateway.url, MASTER, 'primary')).status, 200);
      upstream.queue({ status: 503, body: { error: { message: 'down', type: 'server_error' } } });
      backup.queue({ status: 500, body: { error: { message: 'also down', type: 'server_error' } } });
      assert.equal((await chat(gateway.url, MASTER, 'lonely')).status, 500);
      const { text } = await scrape(gateway.url, MASTER);
      const key = { hashed_api_key: sha256(MASTER), api_key_alias: 'None' };
      assert.equal(
        value(text, 'litellm_deployment_successful_fallbacks_total', {
          ...key,
          requested_model: 'primary',
          fallback_model: 'backup',
          exception_class: 'Openai.RateLimitError',
          exception_status: '429',
        }),
        1,
      );
      assert.equal(
        value(text, 'litellm_deployment_failed_fallbacks_total', {
          ...key,
          requested_model: 'lonely',
          fallback_model: 'broken',
          exception_class: 'Openai.ServiceUnavailableError',
          exception_status: '503',
        }),
        1,
      );
      assert.equal(
        lines(text, 'litellm_deployment_failed_fallbacks_total', { requested_model: 'primary' }).length,
        0,
      );
    });

    it('counts a fallback to a model that does not exist as failed, as LiteLLM does', async () => {
      upstream.queue({ status: 429, body: { error: { message: 'slow down', type: 'rate_limit_error' } } });
      const answer = await chat(gateway.url, MASTER, 'priced', { fallbacks: ['no-such-model'] });
      assert.equal(answer.status, 429, 'the error of the requested model');
      assert.equal(answer.headers.get('x-litellm-attempted-fallbacks'), '1');
      assert.equal(answer.headers.get('x-litellm-attempted-retries'), '0');
      const { text } = await scrape(gateway.url, MASTER);
      assert.equal(
        value(text, 'litellm_deployment_failed_fallbacks_total', {
          hashed_api_key: sha256(MASTER),
          requested_model: 'priced',
          fallback_model: 'no-such-model',
          exception_class: 'Openai.RateLimitError',
          exception_status: '429',
        }),
        1,
      );
    });
  });
}

metricsTests('open', {});
metricsTests('with end users, key required', { metricsRequireAuth: true, metricsEndUsers: true });

describe('GET /metrics with require_auth_for_metrics_endpoint', () => {
  let gateway: RunningGateway;
  before(async () => {
    gateway = await startGateway(
      testConfig({ masterKey: MASTER, metricsRequireAuth: true }),
      undefined,
      undefined,
      undefined,
      {
        sqlitePath: ':memory:',
      },
    );
  });
  after(() => gateway.close());

  it('asks for a key; any virtual key will do, as in LiteLLM', async () => {
    assert.equal((await scrape(gateway.url)).status, 401);
    assert.equal((await scrape(gateway.url, 'sk-not-a-key')).status, 401);
    const { key } = await newKey(gateway.url, {});
    assert.equal((await scrape(gateway.url, key)).status, 200);
    assert.equal((await scrape(gateway.url, MASTER)).status, 200);
  });
});
