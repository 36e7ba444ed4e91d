/**
 * One output item of a translated stream, assembled from chat deltas, and the events that announce it,
 * stream its content and close it. Content is kept whole; `flush` sends what was not sent yet, so an
 * item can stream live or, while an earlier item is still open, collect its deltas and send them later.
 */
import type { JsonObject } from '../../shared/json.ts';
import { messageId, reasoningId } from './ids.ts';
import {
  type ItemStatus,
  messageItem,
  reasoningItem,
  refusalPart,
  summaryPart,
  textPart,
} from './response.ts';

/** Sends one event: its `type` and fields (the stream adds the sequence number). */
export type Emit = (type: string, fields: JsonObject) => void;

export abstract class ItemWriter {
  abstract readonly id: string;
  outputIndex = -1;
  /** Set once `response.output_item.done` went out: the status it gave. */
  closedAs: ItemStatus | undefined;

  get opened(): boolean {
    return this.outputIndex >= 0;
  }

  /** Whether the item can be announced yet. */
  openable(): boolean {
    return true;
  }

  /** Whether the item is surely finished once a later item has started. */
  closable(): boolean {
    return true;
  }

  open(outputIndex: number, emit: Emit): void {
    this.outputIndex = outputIndex;
    emit('response.output_item.added', { output_index: outputIndex, item: this.announced() });
    this.opening(emit);
  }

  close(status: ItemStatus, emit: Emit): void {
    this.closing(emit);
    this.closedAs = status;
    emit('response.output_item.done', { output_index: this.outputIndex, item: this.item(status) });
  }

  /** The fields that place an event in this item. */
  protected where(): JsonObject {
    return { item_id: this.id, output_index: this.outputIndex };
  }

  protected opening(_emit: Emit): void {}
  abstract flush(emit: Emit): void;
  protected abstract closing(emit: Emit): void;
  /** The item as `response.output_item.added` announces it: no content yet, that follows in deltas. */
  protected abstract announced(): JsonObject;
  /** The item with everything received so far. */
  abstract item(status: ItemStatus): JsonObject;
}

/** Chat's `reasoning_content`, as a reasoning item with one summary part. */
export class ReasoningWriter extends ItemWriter {
  readonly id = reasoningId();
  text = '';
  private sent = 0;

  protected override opening(emit: Emit): void {
    emit('response.reasoning_summary_part.added', {
      ...this.where(),
      summary_index: 0,
      part: summaryPart(''),
    });
  }

  flush(emit: Emit): void {
    if (this.sent === this.text.length) return;
    const delta = this.text.slice(this.sent);
    this.sent = this.text.length;
    emit('response.reasoning_summary_text.delta', { ...this.where(), summary_index: 0, delta });
  }

  protected closing(emit: Emit): void {
    emit('response.reasoning_summary_text.done', { ...this.where(), summary_index: 0, text: this.text });
    emit('response.reasoning_summary_part.done', {
      ...this.where(),
      summary_index: 0,
      part: summaryPart(this.text),
    });
  }

  protected announced(): JsonObject {
    return reasoningItem(this.id, '');
  }

  item(): JsonObject {
    return reasoningItem(this.id, this.text);
  }
}

interface Part {
  kind: 'text' | 'refusal';
  value: string;
  sent: number;
  announced: boolean;
}

/** Chat's `content` (and `refusal`), as a message item: one part of each, in the order they came. */
export class MessageWriter extends ItemWriter {
  readonly id = messageId();
  private readonly parts: Part[] = [];

  add(kind: Part['kind'], piece: string): void {
    let part = this.parts.find((p) => p.kind === kind);
    if (part === undefined) {
      part = { kind, value: '', sent: 0, announced: false };
      this.parts.push(part);
    }
    part.value += piece;
  }

  flush(emit: Emit): void {
    for (const [index, part] of this.parts.entries()) {
      const where = { ...this.where(), content_index: index };
      if (!part.announced) {
        part.announced = true;
        emit('response.content_part.added', { ...where, part: this.part(part.kind, '') });
      }
      if (part.sent === part.value.length) continue;
      const delta = part.value.slice(part.sent);
      part.sent = part.value.length;
      if (part.kind === 'text') emit('response.output_text.delta', { ...where, delta, logprobs: [] });
      else emit('response.refusal.delta', { ...where, delta });
    }
  }

  protected closing(emit: Emit): void {
    for (const [index, part] of this.parts.entries()) {
      const where = { ...this.where(), content_index: index };
      if (part.kind === 'text')
        emit('response.output_text.done', { ...where, text: part.value, logprobs: [] });
      else emit('response.refusal.done', { ...where, refusal: part.value });
      emit('response.content_part.done', { ...where, part: this.part(part.kind, part.value) });
    }
  }

  private part(kind: Part['kind'], value: string): JsonObject {
    return kind === 'text' ? textPart(value) : refusalPart(value);
  }

  protected announced(): JsonObject {
    return messageItem(this.id, 'in_progress', []);
  }

  item(status: ItemStatus): JsonObject {
    return messageItem(
      this.id,
      status,
      this.parts.map((p) => this.part(p.kind, p.value)),
    );
  }
}
