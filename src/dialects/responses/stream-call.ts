/**
 * One chat tool call of a stream (one `index` of the deltas), as the item the client's tool expects
 * (`tool-calls.ts`): a function call, whose arguments stream as they come, or a custom tool call. A
 * custom tool's input is inside JSON arguments (`{"input": "…"}`) that cannot be cut into input text
 * while they stream, so it is sent whole when the call closes: one delta, then done.
 */
import type { JsonObject } from '../../shared/json.ts';
import { callId, customToolCallId, functionCallId } from './ids.ts';
import { customToolCallItem, functionCallItem, type ItemStatus } from './response.ts';
import { type Emit, ItemWriter } from './stream-items.ts';
import { callItem, customInput } from './tool-calls.ts';
import type { ToolNames, ToolTarget } from './tool-names.ts';

const UNNAMED: ToolTarget = { name: '', custom: false };

export class ToolCallWriter extends ItemWriter {
  private readonly names: ToolNames;
  /** Ids of both kinds: which one the item has depends on the name, which may come late. */
  private readonly ids = { function: functionCallId(), custom: customToolCallId() };
  private callId: string | undefined;
  private chatName: string | undefined;
  private target = UNNAMED;
  arguments = '';
  private sent = 0;
  private checked = -1;
  private whole = false;

  constructor(names: ToolNames) {
    super();
    this.names = names;
  }

  get id(): string {
    return this.target.custom ? this.ids.custom : this.ids.function;
  }

  /** The `call_id` is the item's identity to the client: once announced, a later one is ignored. */
  setCallId(id: string): void {
    if (!this.opened) this.callId = id;
  }

  /** The name decides the item's kind and id, so once announced a later one is ignored too. */
  setName(name: string): void {
    if (this.opened) return;
    this.chatName = name;
    this.target = this.names.target(name);
  }

  /** A client cannot call a tool it has no name for, so the item waits for one. */
  override openable(): boolean {
    return this.chatName !== undefined;
  }

  /** Once the arguments are whole JSON, more deltas for this call are not expected. */
  override closable(): boolean {
    if (this.checked !== this.arguments.length) {
      this.checked = this.arguments.length;
      this.whole = isWholeJson(this.arguments);
    }
    return this.whole;
  }

  override open(outputIndex: number, emit: Emit): void {
    this.callId ??= callId();
    super.open(outputIndex, emit);
  }

  flush(emit: Emit): void {
    if (this.target.custom || this.sent === this.arguments.length) return;
    const delta = this.arguments.slice(this.sent);
    this.sent = this.arguments.length;
    emit('response.function_call_arguments.delta', { ...this.where(), delta });
  }

  protected closing(emit: Emit): void {
    if (!this.target.custom) {
      emit('response.function_call_arguments.done', {
        ...this.where(),
        arguments: this.arguments,
        name: this.target.name,
      });
      return;
    }
    const input = customInput(this.arguments);
    if (input !== '') emit('response.custom_tool_call_input.delta', { ...this.where(), delta: input });
    emit('response.custom_tool_call_input.done', { ...this.where(), input });
  }

  protected announced(): JsonObject {
    const named = { callId: this.callId ?? '', name: this.target.name, namespace: this.target.namespace };
    return this.target.custom
      ? customToolCallItem(this.id, 'in_progress', { ...named, input: '' })
      : functionCallItem(this.id, 'in_progress', { ...named, arguments: '' });
  }

  item(status: ItemStatus): JsonObject {
    const call = { callId: this.callId ?? '', name: this.chatName ?? '', arguments: this.arguments };
    return callItem(this.id, status, call, this.target);
  }
}

function isWholeJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
