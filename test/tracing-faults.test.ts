import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type OpenAI from 'openai';
import { exportTargets } from '../src/telemetry/export-targets.ts';
import { createTelemetry, type Telemetry } from '../src/telemetry/telemetry.ts';
import { type RunningGateway, startGateway, testConfig } from './helpers/gateway-server.ts';
import { mockDeployment } from './helpers/mock-deployment.ts';
import { type Receiver, startReceiver } from './helpers/openobserve-receiver.ts';
import { cleanEnv, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

function telemetryFor(receiver: Receiver, extra: { hideInputs?: boolean; hideOutputs?: boolean } = {}) {
  return createTelemetry({
    targets: exportTargets({ OPENOBSERVE_URL: receiver.url, OPENOBSERVE_TIMEOUT: '1' }),
    serviceName: 'tollgate',
    version: 'test',
    hideInputs: extra.hideInputs ?? false,
    hideOutputs: extra.hideOutputs ?? false,
    maxValueLength: 64,
  });
}

const ask = (g: RunningGateway, content: string) =>
  g.client().chat.completions.create({
    model: 'demo',
    messages: [{ role: 'user', content }],
    mock_response: 'the answer',
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);

for (const mode of ['hang', 'fail'] as const) {
  describe(`an OpenObserve that is ${mode === 'hang' ? 'hanging' : 'failing'}`, () => {
    let receiver: Receiver;
    let telemetry: Telemetry | undefined;
    let gateway: RunningGateway;
    before(async () => {
      receiver = await startReceiver();
      receiver.mode = mode;
      telemetry = telemetryFor(receiver);
      gateway = await startGateway(testConfig({ deployments: [mockDeployment('demo')] }), telemetry);
    });
    after(async () => {
      await gateway.close();
      // Shutting down against a dead receiver may time out; it must not hang or throw into the app.
      await telemetry?.shutdown().catch(() => {});
      await receiver.close();
    });

    it('changes nothing for clients', async () => {
      const started = Date.now();
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(
          Array.from({ length: 50 }, (_, i) => ask(gateway, `q${round}-${i}`)),
        );
        for (const a of answers) assert.equal(a.choices[0]?.message.content, 'the answer');
        await new Promise((r) => setTimeout(r, 400));
      }
      assert.ok(Date.now() - started < 5_000, 'requests are not slowed by the exporter');
      await new Promise((r) => setTimeout(r, 1_200));
      assert.ok(receiver.requests.length >= 1, 'the exporter did try');
    });
  });
}

describe('privacy switches and long values', () => {
  let receiver: Receiver;
  let telemetry: Telemetry | undefined;
  let gateway: RunningGateway;
  before(async () => {
    receiver = await startReceiver();
    telemetry = telemetryFor(receiver, { hideOutputs: true });
    gateway = await startGateway(testConfig({ deployments: [mockDeployment('demo')] }), telemetry);
  });
  after(async () => {
    await gateway.close();
    await telemetry?.shutdown();
    await receiver.close();
  });

  it('leaves outputs out when hidden, and truncates long inputs with a mark', async () => {
    await ask(gateway, 'x'.repeat(500));
    const row = await receiver.waitFor((r) => r.operation_name === 'ChatCompletion');
    assert.equal(row.output_value, undefined);
    assert.match(String(row.input_value), /…\[truncated \d+ chars\]$/);
    assert.ok(String(row.input_value).length < 120);
  });
});

describe('shutdown', () => {
  it('exports the spans of the last requests on SIGTERM, and says at start where traces go', async () => {
    const receiver = await startReceiver();
    const env = cleanEnv({
      OPENOBSERVE_URL: receiver.url,
      OPENOBSERVE_ORG: 'acme',
      OPENOBSERVE_AUTH_TOKEN: 'Basic sk-test-observe-token',
      LITELLM_MASTER_KEY: 'sk-test-master-key',
      TOLLGATE_LOG_LEVEL: 'debug',
    });
    const server = await startCli([], { cwd: tempDir(), env });
    try {
      assert.match(
        server.output(),
        /Traces: exporting to OpenObserve http:\/\/127\.0\.0\.1:\d+\/api\/acme\/v1\/traces .*\(not confirmed yet/,
      );
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test-master-key' },
        body: JSON.stringify({
          model: 'demo',
          messages: [{ role: 'user', content: 'bye' }],
          mock_response: 'ok',
        }),
      });
      assert.equal(res.status, 200);
      assert.equal(await server.stop('SIGTERM'), 0);
      // The banner's "not confirmed yet" is settled in the log once the first batch is answered.
      assert.match(
        server.output(),
        /telemetry: exports to OpenObserve http:\/\/127\.0\.0\.1:\d+\/api\/acme\/v1\/traces .* work/,
      );
      assert.ok(!server.output().includes('sk-test-'), 'no key in any log line');
      assert.ok(
        receiver.rows.some((r) => r.operation_name === 'ChatCompletion'),
        'the span arrived before exit',
      );
    } finally {
      await server.stop();
      await receiver.close();
    }
  });
});

describe('memory while OpenObserve hangs', () => {
  it('stays bounded: the span queue is capped, spans beyond it are dropped', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const receiver = await startReceiver();
    receiver.mode = 'hang';
    const telemetry = createTelemetry({
      targets: exportTargets({ OPENOBSERVE_URL: receiver.url, OPENOBSERVE_TIMEOUT: '1' }),
      serviceName: 'tollgate',
      version: 'test',
      hideInputs: false,
      hideOutputs: false,
      maxValueLength: 64 * 1024,
      maxQueueSize: 200,
    });
    const gateway = await startGateway(testConfig({ deployments: [mockDeployment('demo')] }), telemetry);
    const prompt = 'p'.repeat(20_000);
    const burst = (n: number) => Promise.all(Array.from({ length: n }, () => ask(gateway, prompt)));
    try {
      await burst(100);
      gc();
      const before = process.memoryUsage().heapUsed;
      // 3,000 requests with a 20 kB prompt each: kept, their spans alone would be over 60 MB.
      for (let i = 0; i < 30; i++) await burst(100);
      gc();
      const grown = (process.memoryUsage().heapUsed - before) / (1024 * 1024);
      assert.ok(grown < 40, `heap grew ${grown.toFixed(1)} MB`);
    } finally {
      await gateway.close();
      await telemetry?.shutdown().catch(() => {});
      await receiver.close();
    }
  });
});
