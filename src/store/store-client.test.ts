/**
 * The store's method map through StoreClient: every method reaches the worker by name and answers as
 * the same map over an in-process TraceStore does; calls beyond the limit, after close, or that cannot be
 * posted are refused without leaking a slot; ingest can hand its buffer over instead of copying it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import type { PlainResourceSpans, PlainSpan } from './otlp/plain.ts';
import { type StoreMethod, type StoreParams, type StoreResult, storeMethods } from './store-api.ts';
import { handOver, StoreClient, StoreError } from './store-client.ts';
import { TraceStore, type TraceStoreOptions } from './trace-store.ts';

const OPTIONS: TraceStoreOptions = {
  path: ':memory:',
  maxAgeMs: 0,
  maxBytes: 0,
  queryTimeLimitMs: 2000,
  maxBodyBytes: 1 << 24,
};
const TRACE = '5b8efff798038103d269b633813fc60c';
const START_NS = BigInt(Date.now() - 60_000) * 1_000_000n;

function otlp(name: string): Uint8Array {
  const span = {
    traceId: TRACE,
    spanId: 'eee19b7ec3c1b174',
    name,
    kind: 2,
    startTimeUnixNano: String(START_NS),
    endTimeUnixNano: String(START_NS + 3_000_000n),
    attributes: [
      { key: 'llm.model_name', value: { stringValue: 'demo' } },
      { key: 'openinference.span.kind', value: { stringValue: 'LLM' } },
    ],
  };
  return new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
}

/** The same kind of span as plain data, as the gateway hands over its own; a second earlier. */
function plainSpans(name: string): PlainResourceSpans[] {
  const startNs = START_NS - 1_000_000_000n;
  const span: PlainSpan = {
    traceId: TRACE,
    spanId: 'fff19b7ec3c1b174',
    parentSpanId: '',
    traceState: '',
    name,
    kind: 2,
    startNs,
    endNs: startNs + 3_000_000n,
    attributes: { 'llm.model_name': 'demo', 'llm.token_count.total': 7 },
    events: [],
    statusCode: 1,
    statusMessage: '',
    flags: 257,
  };
  return [{ resource: { 'service.name': 'gateway' }, spans: [span] }];
}

type LocalMethods = { [K in StoreMethod]: (params: StoreParams<K>) => StoreResult<K> };

/** One call of `method`, checked against the same call on the in-process map. */
function sample<K extends StoreMethod>(method: K, params: StoreParams<K>) {
  return {
    method,
    async check(client: StoreClient, local: LocalMethods): Promise<void> {
      const remote: StoreResult<K> = await client.call(method, params);
      assert.deepEqual(timeless(remote), timeless(local[method](params)), method);
    },
  };
}

/** Search answers say how long they took, which differs between two runs. */
function timeless(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/"took":[0-9.]+/g, '"took":0') : value;
}

const query = { start_time: '1', end_time: String(Number.MAX_SAFE_INTEGER) };
const EVERY_SPAN = { query: { sql: 'SELECT * FROM "default"', start_time: 0 } };
/** In order: the ingest first, so the queries after it have a span to find. */
const SAMPLES = [
  sample('ingest', { org: 'default', bytes: otlp('first'), format: 'json' }),
  sample('ingestSpans', { org: 'default', spans: plainSpans('own') }),
  sample('search', { org: 'default', body: EVERY_SPAN }),
  sample('latest', { org: 'default', stream: 'default', query }),
  sample('details', { org: 'default', stream: 'default', traceId: TRACE, query }),
  sample('streams', { org: 'default' }),
  sample('streams', { org: 'default', stream: 'default' }),
  sample('models', { org: 'default', stream: 'default', query }),
  sample('retain', {}),
];

/** Every method of the map, called through `client`, answers as the same call on `local` in-process. */
async function checkEveryMethod(client: StoreClient, local: TraceStore): Promise<void> {
  const methods: LocalMethods = storeMethods(local);
  const untested = Object.keys(methods).filter(
    (name) => name !== 'close' && !SAMPLES.some((s) => s.method === name),
  );
  assert.deepEqual(untested, [], 'each store method has a sample call here');
  for (const s of SAMPLES) await s.check(client, methods);
  const found: { hits: Array<{ operation_name?: string }> } = JSON.parse(
    await client.call('search', { org: 'default', body: EVERY_SPAN }),
  );
  assert.equal(found.hits[0]?.operation_name, 'first', 'the calls reached a store with the span in it');
}

describe('StoreClient.call', () => {
  let client: StoreClient;
  let local: TraceStore;
  before(async () => {
    client = await StoreClient.start(OPTIONS);
    local = new TraceStore(OPTIONS);
  });
  after(async () => {
    await client.close();
    local.close();
  });

  it('reaches every method of the map by name, answering as the map in-process does', async () => {
    await checkEveryMethod(client, local);
    assert.deepEqual(client.searchProcessIds(), [], 'an in-memory store searches in its worker');
  });

  it('hands an ingest buffer over to the worker instead of copying it', async () => {
    const bytes = otlp('handed over');
    const result = await client.call('ingest', { org: 'moved', bytes, format: 'json' }, handOver(bytes));
    assert.equal(result.accepted, 1);
    assert.equal(bytes.byteLength, 0, 'the buffer now belongs to the worker');
  });

  it('refuses a method the map does not have, even one on every object', async () => {
    // Only a message from outside the types can name one; the worker must still not run it.
    const unknown = 'toString' as StoreMethod;
    await assert.rejects(client.call(unknown, {}), {
      status: 500,
      message: /Unknown store method "toString"/,
    });
  });
});

describe('StoreClient.call on a file-backed store', () => {
  it('reaches every method, the searches through a search process, answering as in-process', async () => {
    const dir = tempDir();
    const client = await StoreClient.start({ ...OPTIONS, path: join(dir, 'client.db') });
    const local = new TraceStore({ ...OPTIONS, path: join(dir, 'local.db') });
    try {
      await checkEveryMethod(client, local);
      assert.equal(client.searchProcessIds().length, 1, 'the searches ran in a search process');
    } finally {
      await client.close();
      local.close();
    }
  });
});

describe('StoreClient limits', () => {
  it('answers 503 past maxPending and after close; a call that cannot be posted frees its slot', async () => {
    const client = await StoreClient.start({ ...OPTIONS, maxPending: 1 });
    // A buffer Node keeps for itself (its pool) cannot be transferred: posting the call throws.
    const pooled = Buffer.from('x');
    await assert.rejects(
      client.call('ingest', { org: 'default', bytes: pooled, format: 'json' }, [pooled.buffer]),
      { name: 'DataCloneError' },
    );
    const first = client.call('retain', {});
    await assert.rejects(client.call('retain', {}), busy(/busy/));
    assert.equal(await first, 0);
    assert.equal(await client.call('retain', {}), 0, 'the slot is free again');
    await client.close();
    await assert.rejects(client.call('retain', {}), busy(/closed/));
  });
});

function busy(message: RegExp) {
  return (err: unknown) => err instanceof StoreError && err.status === 503 && message.test(err.message);
}
