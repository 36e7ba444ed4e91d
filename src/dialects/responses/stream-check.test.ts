/**
 * What the stream tests share: scripted chat chunks, a run of the translator as the gateway drives it,
 * and the checks every Responses stream must pass. A test file only so that it never ships.
 */
import assert from 'node:assert/strict';
import { observeChunk } from '../../providers/openai-compatible/chat-stream.ts';
import { emptySummary, type StreamEvent } from '../../providers/spec.ts';
import type { JsonObject } from '../../shared/json.ts';
import { streamFromChat } from './stream.ts';

export const REQUEST = { model: 'my-model', input: 'x', stream: true };

export const chunk = (delta: JsonObject, finishReason: string | null = null): JsonObject => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'upstream',
  choices: [{ index: 0, delta, finish_reason: finishReason }],
});
export const usageChunk = (usage: JsonObject): JsonObject => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'upstream',
  choices: [],
  usage,
});
export const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
export const call = (index: number, fields: JsonObject) => chunk({ tool_calls: [{ index, ...fields }] });

/** Feeds chunks as the gateway does (the summary kept by observeChunk) and ends the stream. */
export function run(chunks: JsonObject[], request: JsonObject = REQUEST) {
  const stream = streamFromChat(request);
  const summary = emptySummary();
  const events: StreamEvent[] = [];
  for (const c of chunks) {
    observeChunk(c, summary);
    events.push(...stream.chunk(c));
  }
  events.push(...stream.end(summary));
  return { events, stream, data: checked(events) };
}

/**
 * Checks what every client relies on: names and sequence numbers, one item open at a time, each event
 * placed in the open item (id, output index, content index), deltas adding up to the done values, and
 * the final response holding exactly the items the done events gave.
 */
export function checked(events: StreamEvent[]): JsonObject[] {
  const data = events.map((e) => e.data as JsonObject);
  data.forEach((d, i) => {
    assert.equal(events[i]?.event, d.type, `event name of #${i}`);
    assert.equal(d.sequence_number, i, 'sequence numbers count from 0 without gaps');
    assert.equal(events[i]?.raw, undefined);
  });
  assert.deepEqual(
    data.slice(0, 2).map((d) => d.type),
    ['response.created', 'response.in_progress'],
  );
  const ids: string[] = [];
  const done: JsonObject[] = [];
  let open: number | undefined;
  let parts = 0;
  const deltas = new Map<string, string>();
  for (const d of data.slice(2, -1)) {
    const index = d.output_index as number;
    if (d.type === 'response.output_item.added') {
      assert.equal(open, undefined, 'the item before was closed');
      assert.equal(index, ids.length);
      const id = (d.item as JsonObject).id as string;
      assert.ok(!ids.includes(id));
      ids.push(id);
      open = index;
      parts = 0;
      continue;
    }
    assert.equal(index, open, `${d.type} is placed in the open item`);
    if (d.item_id !== undefined) assert.equal(d.item_id, ids[index]);
    const key = `${index}/${d.content_index ?? d.summary_index ?? ''}`;
    switch (d.type) {
      case 'response.output_item.done':
        assert.equal((d.item as JsonObject).id, ids[index]);
        if ((d.item as JsonObject).type === 'custom_tool_call')
          assert.equal((d.item as JsonObject).input, deltas.get(key) ?? '');
        done.push(d.item as JsonObject);
        open = undefined;
        break;
      case 'response.content_part.added':
        assert.equal(d.content_index, parts++);
        break;
      case 'response.output_text.delta':
      case 'response.reasoning_summary_text.delta':
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
      case 'response.refusal.delta':
        assert.ok(((d.content_index as number | undefined) ?? 0) < Math.max(parts, 1));
        deltas.set(key, (deltas.get(key) ?? '') + (d.delta as string));
        break;
      case 'response.output_text.done':
      case 'response.reasoning_summary_text.done':
        assert.equal(d.text, deltas.get(key) ?? '');
        break;
      case 'response.function_call_arguments.done':
        assert.equal(d.arguments, deltas.get(key) ?? '');
        break;
      case 'response.custom_tool_call_input.done':
        assert.equal(d.input, deltas.get(key) ?? '');
        break;
    }
  }
  assert.equal(open, undefined, 'every item was closed');
  const last = data.at(-1) as JsonObject;
  const response = last.response as JsonObject;
  if (last.type !== 'response.failed') assert.deepEqual(response.output, done);
  return data;
}

/** The events without sequence numbers, ids by kind and order, and responses by status and output. */
export function brief(data: JsonObject[]): JsonObject[] {
  const names = new Map<string, string>();
  const name = (id: unknown) => {
    const text = String(id);
    if (!names.has(text)) names.set(text, `${text.split('_')[0]}${[...names.keys()].length}`);
    return names.get(text);
  };
  return data.map(({ sequence_number: _, ...d }) => {
    const out: JsonObject = { ...d };
    if (d.item_id !== undefined) out.item_id = name(d.item_id);
    if (d.item !== undefined) out.item = { ...(d.item as JsonObject), id: name((d.item as JsonObject).id) };
    if (d.response !== undefined) {
      const response = d.response as JsonObject;
      out.response = { status: response.status, items: (response.output as unknown[]).length };
    }
    return out;
  });
}

/** The response of the last event. */
export const lastResponse = (data: JsonObject[]) => (data.at(-1) as JsonObject).response as JsonObject;

export const message = (id: string, status: string, text?: string) => ({
  id,
  type: 'message',
  status,
  role: 'assistant',
  content: text === undefined ? [] : [{ type: 'output_text', annotations: [], logprobs: [], text }],
});
export const textPart = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text });

/** The checks of `checked` for a stream that failed: items may be left open. */
export function checkedFailure(events: StreamEvent[]): JsonObject[] {
  const data = events.map((e) => e.data as JsonObject);
  data.forEach((d, i) => {
    assert.equal(events[i]?.event, d.type);
    assert.equal(d.sequence_number, i);
  });
  assert.equal(data.at(-1)?.type, 'response.failed');
  return data;
}
