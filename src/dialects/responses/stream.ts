/**
 * A stream of chat chunks as the Responses API's stream events.
 *
 * Output items go out one at a time, as OpenAI's own streams send them: an item is announced
 * (`response.output_item.added`), its content streams, and it is closed (`response.output_item.done`)
 * before the next one is announced. Chat deltas do not always come in that order: an upstream may send
 * the names of several tool calls first and their arguments after, or interleave arguments by index.
 * So an item is closed only when it is surely finished: reasoning and text when anything else starts,
 * a tool call when its arguments are whole JSON. Until then the items after it collect their
 * deltas and send them once they are announced. A call that gets more arguments after it was closed
 * (an upstream that sent whole JSON and then more) keeps them in the final response only.
 */

import type { GatewayError } from '../../errors/gateway-error.ts';
import { readUsage } from '../../providers/openai-compatible/usage.ts';
import type { StreamEvent, StreamSummary, Usage } from '../../providers/spec.ts';
import { nowSeconds } from '../../providers/translated/openai-shape.ts';
import { isJsonObject, type JsonObject } from '../../shared/json.ts';
import type { DialectStream } from '../dialect.ts';
import { responseError } from './errors.ts';
import { responseId } from './ids.ts';
import { endStatus, type ItemStatus, type ResponseStatus, responseObject } from './response.ts';
import { ToolCallWriter } from './stream-call.ts';
import { type ItemWriter, MessageWriter, ReasoningWriter } from './stream-items.ts';
import { ToolNames } from './tool-names.ts';

export function streamFromChat(request: JsonObject): DialectStream {
  return new ResponsesStream(request);
}

class ResponsesStream implements DialectStream {
  private readonly id = responseId();
  private readonly createdAt = nowSeconds();
  private sequence = 0;
  private events: StreamEvent[] = [];
  private started = false;
  private status: ResponseStatus = 'in_progress';
  private incompleteReason: string | undefined;
  private error: JsonObject | undefined;
  private completedAt: number | undefined;
  private finishReason: string | undefined;
  private usage: Usage | undefined;

  /** Every item in output order: a prefix is closed, then at most one is open, the rest wait. */
  private readonly writers: ItemWriter[] = [];
  /** The first writer not closed yet. */
  private head = 0;
  private announced = 0;
  /** The items the next reasoning or text delta joins (a new one once they are closed). */
  private reasoning: ReasoningWriter | undefined;
  private message: MessageWriter | undefined;
  private readonly calls = new Map<number, ToolCallWriter>();
  private unindexed = 0;

  private readonly request: JsonObject;
  /** How the chat names of the tool calls map back to the request's tools. */
  private readonly names: ToolNames;

  constructor(request: JsonObject) {
    this.request = request;
    this.names = ToolNames.of(request.tools);
  }

  chunk(chunk: JsonObject): StreamEvent[] {
    if (this.finished()) return [];
    this.begin();
    const usage = readUsage(chunk.usage);
    if (usage !== undefined) this.usage = usage;
    const choice = Array.isArray(chunk.choices)
      ? chunk.choices.find((c) => isJsonObject(c) && (c.index ?? 0) === 0)
      : undefined;
    if (isJsonObject(choice)) {
      if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
      if (isJsonObject(choice.delta)) this.read(choice.delta);
    }
    this.pump(false);
    return this.take();
  }

  end(summary: StreamSummary): StreamEvent[] {
    if (this.finished()) return [];
    this.begin();
    const end = endStatus(summary.finishReason ?? this.finishReason);
    this.usage = summary.usage ?? this.usage;
    this.incompleteReason = end.incompleteReason;
    this.pump(true, end.status === 'incomplete' ? 'incomplete' : 'completed');
    this.status = end.status;
    if (end.status === 'completed') this.completedAt = nowSeconds();
    const type = end.status === 'completed' ? 'response.completed' : 'response.incomplete';
    this.emit(type, { response: this.answer() });
    return this.take();
  }

  fail(error: GatewayError, summary: StreamSummary): StreamEvent[] {
    if (this.finished()) return [];
    this.begin();
    this.usage = summary.usage ?? this.usage;
    this.status = 'failed';
    this.error = responseError(error);
    this.emit('response.failed', { response: this.answer() });
    return this.take();
  }

  answer(): JsonObject {
    return responseObject(this.request, {
      id: this.id,
      createdAt: this.createdAt,
      status: this.status,
      output: this.writers.map((w) => w.item(this.itemStatus(w))),
      usage: this.usage,
      incompleteReason: this.incompleteReason,
      error: this.error,
      completedAt: this.completedAt,
    });
  }

  private itemStatus(writer: ItemWriter): ItemStatus {
    if (writer.closedAs !== undefined) return writer.closedAs;
    return this.status === 'in_progress' ? 'in_progress' : 'incomplete';
  }

  private finished(): boolean {
    return this.status !== 'in_progress';
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    this.emit('response.created', { response: this.answer() });
    this.emit('response.in_progress', { response: this.answer() });
  }

  private read(delta: JsonObject): void {
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
      if (this.reasoning === undefined || this.reasoning.closedAs !== undefined)
        this.reasoning = this.add(new ReasoningWriter());
      this.reasoning.text += delta.reasoning_content;
    }
    for (const kind of ['content', 'refusal'] as const) {
      const piece = delta[kind];
      if (typeof piece !== 'string' || piece === '') continue;
      if (this.message === undefined || this.message.closedAs !== undefined)
        this.message = this.add(new MessageWriter());
      this.message.add(kind === 'content' ? 'text' : 'refusal', piece);
    }
    if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) this.readCall(call);
  }

  private readCall(delta: unknown): void {
    if (!isJsonObject(delta)) return;
    // A delta without an index is a whole call of its own (some upstreams send them so).
    const index = typeof delta.index === 'number' ? delta.index : -++this.unindexed;
    let call = this.calls.get(index);
    if (call === undefined) {
      call = this.add(new ToolCallWriter(this.names));
      this.calls.set(index, call);
    }
    if (typeof delta.id === 'string' && delta.id !== '') call.setCallId(delta.id);
    const fn = isJsonObject(delta.function) ? delta.function : {};
    if (typeof fn.name === 'string' && fn.name !== '') call.setName(fn.name);
    if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
  }

  private add<W extends ItemWriter>(writer: W): W {
    this.writers.push(writer);
    return writer;
  }

  /**
   * Sends what can be sent: announces the first waiting item when it may be, streams its content, and
   * closes it when a later item exists and it is surely finished. At the end (`force`) everything is
   * announced and closed, the last item with `lastStatus`.
   */
  private pump(force: boolean, lastStatus: ItemStatus = 'completed'): void {
    const emit = (type: string, fields: JsonObject) => this.emit(type, fields);
    while (this.head < this.writers.length) {
      const writer = this.writers[this.head] as ItemWriter;
      if (!writer.opened) {
        if (!force && !writer.openable()) return;
        writer.open(this.announced++, emit);
      }
      writer.flush(emit);
      const last = this.head === this.writers.length - 1;
      if (force) writer.close(last ? lastStatus : 'completed', emit);
      else if (!last && writer.closable()) writer.close('completed', emit);
      else return;
      this.head++;
    }
  }

  private emit(type: string, fields: JsonObject): void {
    this.events.push({ event: type, data: { type, ...fields, sequence_number: this.sequence++ } });
  }

  private take(): StreamEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }
}
