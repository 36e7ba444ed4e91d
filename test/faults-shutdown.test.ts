/**
 * SIGTERM under load, on the real `tollgate` process with its spans going to a stand-in OpenObserve:
 * requests in flight (plain and streamed, against an upstream that takes ~200 ms) are all finished,
 * requests after the signal are refused or answered 503, the process exits 0, and every answered
 * request's span reached OpenObserve before it did.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts';
import { type Receiver, startReceiver } from './helpers/openobserve-receiver.ts';
import { cleanEnv, startCli } from './helpers/process.ts';
import { tempDir } from './helpers/temp-dir.ts';

const IN_FLIGHT = 200;
const AFTER_SIGNAL = 40;

interface Outcome {
  marker: string;
  stream: boolean;
  /** HTTP status, or the network error code when there was no answer. */
  status: number | string;
  body: string;
  /** True when the answer was complete: JSON that parses, or a stream that reached [DONE]. */
  complete: boolean;
}

/** One request on a connection of its own; never rejects. */
function ask(url: string, marker: string, stream: boolean): Promise<Outcome> {
  const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: marker }], stream });
  return new Promise((resolve) => {
    const req = request(`${url}/v1/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-master' },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const complete = stream ? text.trimEnd().endsWith('data: [DONE]') : isJson(text);
        resolve({ marker, stream, status, body: text, complete });
      });
      res.on('error', (err: NodeJS.ErrnoException) =>
        resolve({ marker, stream, status: err.code ?? 'error', body: text, complete: false }),
      );
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ marker, stream, status: err.code ?? 'error', body: '', complete: false }),
    );
    req.end(body);
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('SIGTERM under load', { timeout: 60_000 }, () => {
  let upstream: MockUpstream;
  let receiver: Receiver;
  before(async () => {
    [upstream, receiver] = await Promise.all([startMockUpstream(), startReceiver()]);
    upstream.defaultScript = { delayMs: 200, chunks: ['a', 'b', 'c'], chunkDelayMs: 30 };
  });
  after(async () => {
    await upstream.close();
    await receiver.close();
  });

  it('finishes every accepted request, refuses new ones, exports every span and exits 0', async () => {
    const yaml = [
      'model_list:',
      '  - model_name: gpt-test',
      '    litellm_params:',
      '      model: openai/m',
      `      api_base: ${upstream.url}`,
      '      api_key: sk-test-upstream',
      'general_settings:',
      '  master_key: sk-test-master',
    ].join('\n');
    const env = cleanEnv({
      OPENOBSERVE_URL: receiver.url,
      OPENOBSERVE_ORG: 'acme',
      OPENOBSERVE_AUTH_TOKEN: 'Basic sk-test-observe-token',
      TOLLGATE_TRACE_STORE: 'off',
    });
    const server = await startCli(['--config', 'config.yaml'], {
      cwd: tempDir({ 'config.yaml': yaml }),
      env,
    });
    let exited: Promise<number | null> | undefined;
    try {
      const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) =>
        ask(server.url, `in-flight-${i}`, i % 2 === 1),
      );
      // Mid-way: some have reached the upstream, the others are on their way.
      while (upstream.counts.received < IN_FLIGHT / 4) await sleep(2);
      const atSignal = upstream.counts.received;
      exited = server.stop('SIGTERM');
      await sleep(50);
      const late = await Promise.all(
        Array.from({ length: AFTER_SIGNAL }, (_, i) => ask(server.url, `late-${i}`, i % 2 === 1)),
      );
      const outcomes = await Promise.all(inFlight);
      const code = await exited;

      const tally = (list: Outcome[]) => {
        const counts: Record<string, number> = {};
        for (const o of list) counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
        return counts;
      };
      console.log(
        `# shutdown: ${atSignal} at the upstream at SIGTERM; in flight ${JSON.stringify(tally(outcomes))}, after ${JSON.stringify(tally(late))}`,
      );

      assert.equal(code, 0, `exit code; output:\n${server.output()}`);
      const accepted = new Set(upstream.received.map((r) => JSON.stringify(r.body.messages)));
      const reachedUpstream = (o: Outcome) =>
        accepted.has(JSON.stringify([{ role: 'user', content: o.marker }]));
      for (const o of outcomes) {
        if (reachedUpstream(o))
          assert.ok(
            o.status === 200 && o.complete,
            `${o.marker} was accepted: ${o.status} ${o.body.slice(-80)}`,
          );
        // Never processed (no upstream call): refused, 503, or — for a connection whose request had not
        // been read when the server closed it — reset. Either way nothing happened and a retry is safe.
        else
          assert.ok(
            o.status === 503 ||
              o.status === 'ECONNREFUSED' ||
              o.status === 'ECONNRESET' ||
              (o.status === 200 && o.complete),
            `${o.marker} neither answered nor refused: ${o.status} ${o.body.slice(0, 200)}`,
          );
      }
      for (const o of late)
        assert.ok(
          o.status === 503 || o.status === 'ECONNREFUSED' || o.status === 'ECONNRESET',
          `${o.marker} after SIGTERM: ${o.status} ${o.body.slice(0, 200)}`,
        );
      const answered = outcomes.filter((o) => o.status === 200);
      assert.ok(answered.length >= IN_FLIGHT / 2, `answered ${answered.length}`);

      const spans = new Set(
        receiver.rows.filter((r) => r.operation_name === 'ChatCompletion').map((r) => String(r.input_value)),
      );
      const missing = answered.filter((o) => ![...spans].some((v) => v.includes(`"${o.marker}"`)));
      assert.deepEqual(
        missing.map((o) => o.marker),
        [],
        'a span arrived for every answered request',
      );
    } finally {
      await server.stop();
      await exited;
    }
  });
});
