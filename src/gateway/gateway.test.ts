import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayConfig } from '../config/types.ts';
import { createGateway } from './gateway.ts';
import { ModelRegistry } from './model-registry.ts';
import type { RequestRecord } from './record.ts';

const config: GatewayConfig = {
  host: '127.0.0.1',
  port: 0,
  numWorkers: 1,
  deployments: [
    {
      id: 'demo-1',
      modelName: 'demo',
      provider: 'mock',
      model: 'demo',
      litellmModel: 'mock/demo',
      params: {},
      modelInfo: {},
    },
  ],
  aliases: { fast: 'demo' },
  dropParams: false,
  requestTimeoutMs: 5_000,
  numRetries: 0,
  fallbacks: { general: {}, contextWindow: {}, contentPolicy: {}, default: [] },
  cooldowns: { allowedFails: 3, cooldownMs: 5000, disabled: false },
  routingStrategy: 'simple-shuffle',
  bodyLimitBytes: 1 << 20,
  clientTimeoutMs: 60_000,
  connections: { max: 100, perClient: 100 },
  logLevel: 'warn',
  hideInputs: false,
  hideOutputs: false,
  source: {},
};
const log = { debug: () => {}, warn: () => {} };

describe('gateway (no HTTP server)', () => {
  const gateway = createGateway(config, new ModelRegistry(config.deployments, config.aliases), log);
  const ended: RequestRecord[] = [];
  gateway.onFinish((r) => ended.push(r));

  it('answers through an alias and fills the request record', async () => {
    const body = { model: 'fast', messages: [{ role: 'user', content: 'hi' }], mock_response: 'pong' };
    const outcome = await gateway.handle('chat', body, { callId: 'c1' }).outcome;
    assert.equal(outcome.kind, 'json');
    assert.equal(outcome.record.modelGroup, 'demo');
    assert.equal(outcome.record.deployment?.id, 'demo-1');
    const usage = outcome.record.usage;
    assert.deepEqual([usage?.promptTokens, usage?.completionTokens, usage?.totalTokens], [10, 20, 30]);
    assert.equal(outcome.record.finishReason, 'stop');
    assert.equal(outcome.record.attempts.length, 1);
    assert.equal(ended.at(-1), outcome.record);
    assert.equal(outcome.record.ending, 'completed');
  });

  it('reports usage and time to first chunk of a stream once it has been read', async () => {
    const body = {
      model: 'demo',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
      mock_response: 'a b c',
    };
    const outcome = await gateway.handle('chat', body, { callId: 'c2' }).outcome;
    assert.equal(outcome.kind, 'stream');
    if (outcome.kind !== 'stream') return;
    assert.notEqual(ended.at(-1), outcome.record, 'not over before its stream is read');
    let text = '';
    for await (const chunk of outcome.chunks) text += chunk;
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const record = ended.at(-1);
    assert.equal(record, outcome.record);
    assert.equal(record?.usage?.totalTokens, 30);
    assert.ok((record?.firstChunkMs ?? -1) >= 0);
    assert.ok(record?.attempts[0]?.endedAt !== undefined);
  });

  it('ends a request once, when both the work and the client side are over', async () => {
    const before = ended.length;
    const body = { model: 'demo', messages: [{ role: 'user', content: 'hi' }], stream: true };
    const exchange = gateway.handle('chat', body, { callId: 'c4', connected: true });
    const outcome = await exchange.outcome;
    if (outcome.kind !== 'stream') return assert.fail('expected a stream');
    let chunks = 0;
    for await (const _ of outcome.chunks) {
      if (++chunks === 3) {
        exchange.clientGone('closed');
        break;
      }
    }
    exchange.delivered();
    exchange.clientGone('timeout');
    assert.equal(ended.length, before + 1);
    const record = ended.at(-1);
    assert.equal(record?.ending, 'client_closed');
    assert.equal(record?.httpStatus, 499);
    assert.ok((record?.output ?? '').length > 0, 'the text relayed before the hang-up');
    // The demo reports usage only at its end, which this stream never reached: counted locally.
    assert.equal(record?.usageEstimated, true);
    assert.ok((record?.usage?.completionTokens ?? 0) > 0);
    assert.equal(record?.attempts[0]?.aborted, true);
  });

  it('records a client that stopped reading as client_timeout', async () => {
    const exchange = gateway.handle(
      'chat',
      { model: 'demo', messages: [], stream: true },
      {
        callId: 'c5',
        connected: true,
      },
    );
    const outcome = await exchange.outcome;
    if (outcome.kind !== 'stream') return assert.fail('expected a stream');
    exchange.clientGone('timeout');
    for await (const _ of outcome.chunks);
    assert.equal(ended.at(-1)?.ending, 'client_timeout');
    assert.equal(ended.at(-1)?.httpStatus, 499);
  });

  it('ends what is in flight on shutdown, telling a streaming client why', async () => {
    const stream = gateway.handle(
      'chat',
      { model: 'demo', messages: [], stream: true },
      {
        callId: 'c6',
        connected: true,
      },
    );
    const plain = gateway.handle('chat', { model: 'demo', messages: [] }, { callId: 'c7', connected: true });
    const outcome = await stream.outcome;
    if (outcome.kind !== 'stream') return assert.fail('expected a stream');
    // Both are still waiting for the demo's first token (120 ms).
    gateway.shutdown();
    let text = '';
    for await (const chunk of outcome.chunks) text += chunk;
    assert.match(text, /"code":"shutting_down"/);
    const refused = await plain.outcome;
    assert.equal(refused.kind, 'error');
    if (refused.kind === 'error') assert.equal(refused.error.status, 503);
    stream.delivered();
    plain.delivered();
    const endings = ended.filter((r) => r.callId === 'c6' || r.callId === 'c7').map((r) => r.ending);
    assert.deepEqual(endings.sort(), ['shutdown', 'shutdown']);
  });

  it('returns an unknown model as an error value listing the models', async () => {
    const outcome = await gateway.handle('chat', { model: 'nope', messages: [] }, { callId: 'c3' }).outcome;
    assert.equal(outcome.kind, 'error');
    if (outcome.kind !== 'error') return;
    assert.equal(outcome.error.status, 404);
    assert.match(outcome.error.message, /demo, fast/);
    assert.equal(ended.at(-1)?.ending, 'failed');
  });
});
