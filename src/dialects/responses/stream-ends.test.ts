import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import { emptySummary, type StreamEvent } from '../../providers/spec.ts';
import type { JsonObject } from '../../shared/json.ts';
import { streamFromChat } from './stream.ts';
import {
  call,
  checkedFailure,
  chunk,
  lastResponse,
  message,
  REQUEST,
  run,
  USAGE,
  usageChunk,
} from './stream-check.test.ts';

describe('the end of a responses stream: incomplete, failed, odd', () => {
  it('ends a cut-off answer with response.incomplete, its last item incomplete', () => {
    const { data } = run([
      chunk({ reasoning_content: 'Hmm.' }),
      chunk({ content: 'Once upon' }),
      chunk({}, 'length'),
    ]);
    const last = data.at(-1) as JsonObject;
    assert.equal(last.type, 'response.incomplete');
    const response = last.response as JsonObject;
    assert.equal(response.status, 'incomplete');
    assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(response.completed_at, null);
    assert.deepEqual(
      (response.output as JsonObject[]).map((item) => item.status),
      [undefined, 'incomplete'],
    );
  });

  it('ends a filtered answer with response.incomplete for content_filter', () => {
    const { data } = run([chunk({ content: 'Well' }), chunk({}, 'content_filter')]);
    const response = data.at(-1)?.response as JsonObject;
    assert.equal(data.at(-1)?.type, 'response.incomplete');
    assert.deepEqual(response.incomplete_details, { reason: 'content_filter' });
  });

  it('answers an empty stream with an empty completed response', () => {
    const { data } = run([usageChunk(USAGE)]);
    assert.deepEqual(
      data.map((d) => d.type),
      ['response.created', 'response.in_progress', 'response.completed'],
    );
    assert.equal(lastResponse(data).output_text, '');
  });

  it('ignores hostile chunks without throwing', () => {
    const { data } = run([
      { choices: 'no' },
      { choices: [null, 7, { index: 1, delta: { content: 'other choice' } }] },
      { choices: [{ index: 0, delta: 'junk' }] },
      chunk({ content: 5, reasoning_content: {}, tool_calls: 'x' }),
      chunk({ tool_calls: [null, 3, { index: 1e9, function: { name: 'big', arguments: '{}' } }] }),
      chunk({ content: 'ok' }),
      { usage: 'lots' },
    ]);
    const response = data.at(-1)?.response as JsonObject;
    assert.deepEqual(
      (response.output as JsonObject[]).map((item) => item.type),
      ['function_call', 'message'],
    );
    assert.equal(response.output_text, 'ok');
  });

  it('fails half-way with response.failed: what was sent, and an error code from the status', () => {
    const stream = streamFromChat(REQUEST);
    const events = [
      ...stream.chunk(chunk({ content: 'Hel' })),
      ...stream.fail(
        new GatewayError('Too many requests', { status: 429, type: 'rate_limit_error' }),
        emptySummary(),
      ),
    ];
    const data = checkedFailure(events);
    const response = data.at(-1)?.response as JsonObject;
    assert.equal(response.status, 'failed');
    assert.deepEqual(response.error, { code: 'rate_limit_exceeded', message: 'Too many requests' });
    assert.deepEqual(response.output, [
      { ...message(String((response.output as JsonObject[])[0]?.id), 'incomplete', 'Hel') },
    ]);
    assert.deepEqual(stream.end(emptySummary()), [], 'nothing after the end');
    assert.equal(stream.answer().status, 'failed');
  });

  it('fails before any chunk with created, in progress and failed', () => {
    const stream = streamFromChat(REQUEST);
    const events = stream.fail(
      new GatewayError('upstream broke', { status: 502, type: 'api_error' }),
      emptySummary(),
    );
    assert.deepEqual(
      events.map((e) => [e.event, (e.data as JsonObject).sequence_number]),
      [
        ['response.created', 0],
        ['response.in_progress', 1],
        ['response.failed', 2],
      ],
    );
    const response = (events[2] as StreamEvent & { data: JsonObject }).data.response as JsonObject;
    assert.deepEqual(response.error, { code: 'server_error', message: 'upstream broke' });
  });

  it('answers mid-stream with the response as far as it went', () => {
    const stream = streamFromChat(REQUEST);
    stream.chunk(chunk({ content: 'Hel' }));
    stream.chunk(call(0, { id: 'c', function: { name: 'f', arguments: '{"a"' } }));
    const answer = stream.answer();
    assert.equal(answer.status, 'in_progress');
    assert.equal(answer.output_text, 'Hel');
    assert.deepEqual(
      (answer.output as JsonObject[]).map((item) => [item.type, item.status]),
      [
        ['message', 'completed'],
        ['function_call', 'in_progress'],
      ],
    );
  });
});
