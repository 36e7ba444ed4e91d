import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ExportReport } from './export-log.ts';
import type { SpanFields } from './finished-span.ts';
import { type SpanStore, storeSpanQueue } from './store-exporter.ts';

type Request = Parameters<SpanStore['call']>[1];

/** A store that records each batch and answers when told to (or at once). */
function fakeStore(answerAtOnce = true) {
  const batches: Request[] = [];
  const answers: Array<(error?: Error) => void> = [];
  const store: SpanStore = {
    call(_method, request) {
      batches.push(request);
      if (answerAtOnce) return Promise.resolve({ accepted: 1 });
      return new Promise((resolve, reject) => answers.push((error) => (error ? reject(error) : resolve({}))));
    },
  };
  return { store, batches, answers };
}

function reports() {
  const seen = { dropped: 0, failures: [] as string[] };
  const report: ExportReport = {
    dropped: (n) => {
      seen.dropped += n;
    },
    failed: (message) => seen.failures.push(message),
  };
  return { seen, report };
}

let next = 0;
function span(valueChars = 10): SpanFields {
  const id = (next++).toString(16).padStart(16, '0');
  return {
    name: 'ChatCompletion',
    kind: SpanKind.SERVER,
    context: { traceId: id.repeat(2), spanId: id, traceFlags: 1 },
    startMs: Date.now(),
    endMs: Date.now() + 1,
    attributes: { 'input.value': 'x'.repeat(valueChars) },
    status: { code: SpanStatusCode.OK },
    events: [],
  };
}

const spansIn = (batches: Request[]) => batches.flatMap((b) => b.spans.flatMap((rs) => rs.spans));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the store span queue', () => {
  it('sends a batch once it has maxBatchSpans spans, the rest after delayMs, all with the resource', async () => {
    const { store, batches } = fakeStore();
    const queue = storeSpanQueue(
      { store, stream: 'llm', maxBatchSpans: 10, delayMs: 50 },
      { 'service.name': 'tg' },
      reports().report,
    );
    for (let i = 0; i < 7; i++) queue.add([span(), span()]);
    assert.equal(batches.length, 1, 'the full batch went at once');
    assert.equal(spansIn(batches).length, 10);
    await sleep(120);
    assert.equal(batches.length, 2, 'the rest went after the delay');
    assert.equal(spansIn(batches).length, 14);
    assert.deepEqual(batches[1]?.spans[0]?.resource, { 'service.name': 'tg' });
    assert.equal(batches[1]?.stream, 'llm');
    await queue.shutdown();
  });

  it('holds at most maxQueueBytes, queued and in flight; the spans past it are dropped and counted', async () => {
    const { store, batches, answers } = fakeStore(false);
    const { seen, report } = reports();
    const queue = storeSpanQueue(
      { store, stream: 'default', maxQueueBytes: 100_000, maxBatchSpans: 5 },
      {},
      report,
    );
    for (let i = 0; i < 20; i++) queue.add([span(10_000)]);
    assert.equal(seen.dropped, 11, 'nine spans of ~10 kB fit in 100 kB');
    assert.equal(spansIn(batches).length, 5, 'a full batch is on its way; the store has not answered');
    for (const answer of answers.splice(0)) answer();
    await sleep(0);
    queue.add([span(10_000)]);
    assert.equal(seen.dropped, 11, 'an answered batch frees its bytes');
    const done = queue.shutdown();
    assert.equal(spansIn(batches).length, 10, 'shutdown sends what is queued at once');
    for (const answer of answers.splice(0)) answer();
    await done;
  });

  it('reports a batch the store refused, and ignores spans after shutdown', async () => {
    const { store, batches, answers } = fakeStore(false);
    const { seen, report } = reports();
    const queue = storeSpanQueue({ store, stream: 'default' }, {}, report);
    queue.add([span()]);
    const done = queue.shutdown();
    answers[0]?.(new Error('The trace store is busy; retry shortly'));
    await done;
    assert.deepEqual(seen.failures, ['trace store: The trace store is busy; retry shortly']);
    queue.add([span()]);
    await sleep(250);
    assert.equal(batches.length, 1);
  });

  it('gives up waiting at shutdown after shutdownTimeoutMs', async () => {
    const { store } = fakeStore(false);
    const queue = storeSpanQueue({ store, stream: 'default', shutdownTimeoutMs: 50 }, {}, reports().report);
    queue.add([span()]);
    const started = Date.now();
    await queue.shutdown();
    assert.ok(Date.now() - started < 1000);
  });
});
