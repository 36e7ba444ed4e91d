/**
 * Chat chunks as Anthropic's stream: `message_start` and `ping`, then one content block at a time
 * (`content_block_start`, its deltas, `content_block_stop`), then `message_delta` with the stop reason
 * and usage, and `message_stop`. Anthropic numbers blocks across thinking, text and tool use, in the
 * order they open; each closes before the next opens.
 */
import { isObject, objectOr } from '../../providers/anthropic/json.ts';
import { readUsage } from '../../providers/openai-compatible/usage.ts';
import type { StreamEvent, StreamSummary, Usage } from '../../providers/spec.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import type { DialectStream } from '../dialect.ts';
import { errorEvent } from './errors.ts';
import {
  deltaUsage,
  message,
  messageId,
  requestedModel,
  stopReason,
  textBlock,
  thinkingBlock,
  toolInput,
  toolUseBlock,
  toolUseId,
} from './shape.ts';

/** One chat tool call, assembled from its deltas. */
interface ToolCall {
  id?: string;
  name?: string;
  args: string;
  /** How much of `args` the client has been sent. */
  sent: number;
  state: 'waiting' | 'open' | 'closed';
}

type Block =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string }
  | { type: 'tool_use'; id: string; name: string; call: ToolCall };

const event = (type: string, data: JsonObject): StreamEvent => ({ event: type, data: { type, ...data } });

/** Whether a call's arguments are a whole JSON object, which a well-formed stream cannot add to. */
function complete(args: string): boolean {
  const text = args.trimEnd();
  if (!text.endsWith('}')) return false;
  try {
    return isJsonObject(JSON.parse(text));
  } catch {
    return false;
  }
}

export function streamFromChat(request: JsonObject): DialectStream {
  const id = messageId();
  const model = requestedModel(request, undefined);
  const blocks: Block[] = [];
  /** Tool calls by chat's index. */
  const calls = new Map<number, ToolCall>();
  /** Calls not yet opened, in the order they appeared. */
  const queue: ToolCall[] = [];
  let lastKey: number | undefined;
  let open: Block | undefined;
  let started = false;
  let ended = false;
  let finish: string | undefined;
  let refused = false;
  let usage: Usage | undefined;
  let stop: string | null = null;

  function start(out: StreamEvent[]): void {
    if (started) return;
    started = true;
    const shell = message({ id, model, content: [], stopReason: null, usage: undefined });
    out.push(event('message_start', { message: shell }), event('ping', {}));
  }

  const index = () => blocks.length - 1;

  function close(out: StreamEvent[]): void {
    if (open === undefined) return;
    if (open.type === 'tool_use') open.call.state = 'closed';
    out.push(event('content_block_stop', { index: index() }));
    open = undefined;
  }

  function openBlock(block: Block, out: StreamEvent[]): void {
    close(out);
    blocks.push(block);
    open = block;
    out.push(event('content_block_start', { index: index(), content_block: blockJson(block, true) }));
  }

  function appendText(type: 'text' | 'thinking', piece: string, out: StreamEvent[]): void {
    if (piece === '') return;
    let block = open;
    if (block?.type !== type) {
      block = type === 'text' ? { type, text: '' } : { type, thinking: '' };
      openBlock(block, out);
    }
    if (block.type === 'text') {
      block.text += piece;
      out.push(event('content_block_delta', { index: index(), delta: { type: 'text_delta', text: piece } }));
    } else if (block.type === 'thinking') {
      block.thinking += piece;
      const delta = { type: 'thinking_delta', thinking: piece };
      out.push(event('content_block_delta', { index: index(), delta }));
    }
  }

  /**
   * The call a delta belongs to: by chat's index; without one (some servers leave it out), the call
   * with the delta's id, a new call for a new id or a name (which only a call's first delta carries),
   * else the call the last delta was for.
   */
  function keyFor(delta: JsonObject): number {
    if (typeof delta.index === 'number' && Number.isInteger(delta.index)) return delta.index;
    const id = typeof delta.id === 'string' && delta.id !== '' ? delta.id : undefined;
    for (const [key, call] of calls) if (id !== undefined && call.id === id) return key;
    const starts = typeof objectOr(delta.function).name === 'string';
    if (id === undefined && !starts && lastKey !== undefined) return lastKey;
    let key = calls.size;
    while (calls.has(key)) key++;
    return key;
  }

  function toolDelta(delta: JsonObject, out: StreamEvent[]): void {
    const key = keyFor(delta);
    lastKey = key;
    let call = calls.get(key);
    if (call === undefined) {
      call = { args: '', sent: 0, state: 'waiting' };
      calls.set(key, call);
      queue.push(call);
    }
    if (typeof delta.id === 'string' && delta.id !== '') call.id ??= delta.id;
    const fn = objectOr(delta.function);
    if (typeof fn.name === 'string' && fn.name !== '') call.name ??= fn.name;
    // A closed call's block cannot grow. It closed once its arguments were a whole object, which a
    // well-formed stream does not add to, or when text came after it; what comes for it later is dropped.
    if (typeof fn.arguments === 'string' && call.state !== 'closed') call.args += fn.arguments;
    pump(out);
  }

  /**
   * Chat may interleave tool calls; Anthropic streams one block at a time. The open call streams as its
   * deltas come; another call waits, its deltas kept, until the open one's arguments are a whole JSON
   * object, or until text or the end closes it. A call opens once its name is known (Anthropic's
   * `content_block_start` carries it).
   */
  function pump(out: StreamEvent[]): void {
    for (;;) {
      if (open?.type === 'tool_use') {
        flush(open, out);
        if (!complete(open.call.args) || !queue.some(named)) return;
      }
      const next = queue.find(named);
      if (next === undefined) return;
      openTool(next, out);
    }
  }

  const named = (call: ToolCall) => call.name !== undefined;

  function openTool(call: ToolCall, out: StreamEvent[]): void {
    queue.splice(queue.indexOf(call), 1);
    call.state = 'open';
    const block: Block = { type: 'tool_use', id: call.id ?? toolUseId(), name: call.name ?? '', call };
    openBlock(block, out);
    flush(block, out);
  }

  function flush(block: Block & { type: 'tool_use' }, out: StreamEvent[]): void {
    const { call } = block;
    if (call.args.length <= call.sent) return;
    const delta = { type: 'input_json_delta', partial_json: call.args.slice(call.sent) };
    call.sent = call.args.length;
    out.push(event('content_block_delta', { index: index(), delta }));
  }

  return {
    chunk(chunk: JsonObject): StreamEvent[] {
      if (ended) return [];
      const out: StreamEvent[] = [];
      start(out);
      usage = readUsage(chunk.usage) ?? usage;
      const choices = Array.isArray(chunk.choices) ? chunk.choices.filter(isObject) : [];
      const choice = choices.find((c) => (c.index ?? 0) === 0);
      if (choice === undefined) return out;
      const delta = objectOr(choice.delta);
      if (typeof delta.reasoning_content === 'string') appendText('thinking', delta.reasoning_content, out);
      if (typeof delta.content === 'string') appendText('text', delta.content, out);
      // OpenAI's structured outputs decline in `refusal`; Anthropic's refusal is text.
      if (typeof delta.refusal === 'string' && delta.refusal !== '') {
        refused = true;
        appendText('text', delta.refusal, out);
      }
      if (Array.isArray(delta.tool_calls))
        for (const call of delta.tool_calls) if (isObject(call)) toolDelta(call, out);
      if (typeof choice.finish_reason === 'string') finish = choice.finish_reason;
      return out;
    },

    end(summary: StreamSummary): StreamEvent[] {
      if (ended) return [];
      const out: StreamEvent[] = [];
      start(out);
      // Calls still waiting (interleaved ones, or one whose name never came) go out whole, in order.
      for (let call = queue[0]; call !== undefined; call = queue[0]) openTool(call, out);
      close(out);
      ended = true;
      usage = summary.usage ?? usage;
      const reason = refused ? 'content_filter' : (summary.finishReason ?? finish);
      stop = stopReason(
        reason,
        blocks.some((b) => b.type === 'tool_use'),
      );
      const delta = { stop_reason: stop, stop_sequence: null, stop_details: null, container: null };
      out.push(event('message_delta', { delta, usage: deltaUsage(usage) }), event('message_stop', {}));
      return out;
    },

    fail(error): StreamEvent[] {
      ended = true;
      return [errorEvent(error)];
    },

    answer(): JsonObject {
      const content = blocks.map((block) => blockJson(block, false));
      return message({ id, model, content, stopReason: stop, usage });
    },
  };
}

/** A block as `content_block_start` opens it (empty), or as the answer holds it. */
function blockJson(block: Block, opening: boolean): JsonObject {
  switch (block.type) {
    case 'text':
      return textBlock(opening ? '' : block.text);
    case 'thinking':
      return thinkingBlock(opening ? '' : block.thinking);
    case 'tool_use':
      return toolUseBlock(block.id, block.name, opening ? {} : toolInput(block.call.args));
  }
}
