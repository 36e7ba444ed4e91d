/**
 * Splits an upstream byte stream into server-sent events as they complete, keeping each event's exact
 * bytes so a pass-through relay changes nothing. Events are handed over in batches, one per upstream
 * read, so a relay does one write per read instead of one per event.
 */
import { GatewayError } from '../../errors/gateway-error.ts';

/**
 * The longest event held while its end has not come: an upstream that never ends one would otherwise
 * grow the buffer (and the time to search it) without limit. Real events are a few kilobytes; a whole
 * tool call's arguments in one event stay far below this.
 */
export const MAX_EVENT_CHARS = 8 * 1024 * 1024;

function eventTooLong(): GatewayError {
  return new GatewayError(
    `The upstream sent a stream event longer than ${MAX_EVENT_CHARS / 1024 / 1024} MiB`,
    {
      status: 502,
      type: 'api_error',
      code: 'upstream_stream_error',
      retryable: false,
    },
  );
}

/** One server-sent event as it came over the wire: its text, not yet parsed. */
export interface SseMessage {
  /** The `event:` field, when the server names its events. */
  event?: string;
  /** The `data:` lines joined by newlines (OpenAI's chunk JSON, or `[DONE]`). */
  data: string;
  /** The exact upstream bytes of the event (with its trailing blank line), relayed as they are. */
  raw: string;
}

/**
 * Yields, per upstream read, the events it completed (never an empty batch); comments are skipped.
 * `map` turns each message into what the caller wants (or undefined to leave it out) as it is split
 * off, so a provider reading its stream needs no generator of its own on top of this one.
 */
export function parseSse(body: AsyncIterable<Buffer | string>): AsyncGenerator<SseMessage[]>;
export function parseSse<T>(
  body: AsyncIterable<Buffer | string>,
  map: (message: SseMessage) => T | undefined,
): AsyncGenerator<T[]>;
export async function* parseSse<T>(
  body: AsyncIterable<Buffer | string>,
  map?: (message: SseMessage) => T | undefined,
): AsyncGenerator<Array<T | SseMessage>> {
  const decoder = new TextDecoder();
  let buffer = '';
  // Most servers end lines with LF only; look for CRLF separators only once one has been seen.
  let crlf = false;
  // The last event ended in a CR at the end of a read: an LF starting the next one belongs to it.
  let dropLf = false;
  for await (const chunk of body) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (dropLf && text.startsWith('\n')) text = text.slice(1);
    if (text !== '') dropLf = false;
    if (!crlf && text.includes('\r')) crlf = true;
    // Where a blank line may first be: an event still open was already searched up to its last char.
    const searched = crlf ? 0 : Math.max(0, buffer.length - 1);
    buffer += text;
    const batch: Array<T | SseMessage> = [];
    let start = 0;
    for (
      let found = eventEnd(buffer, start, crlf, searched);
      found;
      found = eventEnd(buffer, start, crlf, searched)
    ) {
      const event = toEvent(buffer.slice(start, found[0]), crlf);
      start = found[1];
      dropLf = found[2];
      const item = event === undefined || map === undefined ? event : map(event);
      if (item !== undefined) batch.push(item);
    }
    if (start > 0) buffer = buffer.slice(start);
    if (buffer.length > MAX_EVENT_CHARS) throw eventTooLong();
    if (batch.length > 0) yield batch;
  }
  const last = toEvent(buffer + decoder.decode(), crlf);
  const item = last === undefined || map === undefined ? last : map(last);
  if (item !== undefined) yield [item];
}

/**
 * Where the event starting at `from` ends: the end of its text and where the next one starts, or
 * undefined while its blank line has not arrived. Lines end in LF, CRLF or a lone CR (the SSE spec
 * allows all three); most servers send LF only, which is looked for directly.
 */
function eventEnd(
  buffer: string,
  from: number,
  crlf: boolean,
  searched: number,
): [number, number, boolean] | undefined {
  if (!crlf) {
    const lf = buffer.indexOf('\n\n', Math.max(from, searched));
    return lf === -1 ? undefined : [lf, lf + 2, false];
  }
  let lineStart = from;
  let textEnd = from;
  for (let i = from; i < buffer.length; i++) {
    const c = buffer.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    let next = i + 1;
    // A CR that ends the buffer may be the first half of a CRLF. Ending a blank line, it ends the event
    // either way (the caller drops an LF that starts the next read); ending a text line, it can wait.
    const open = c === 13 && next === buffer.length;
    if (c === 13 && !open && buffer.charCodeAt(next) === 10) next++;
    if (i === lineStart) return [textEnd, next, open];
    if (open) return undefined;
    textEnd = i;
    lineStart = next;
    i = next - 1;
  }
  return undefined;
}

function toEvent(block: string, crlf: boolean): SseMessage | undefined {
  if (block.trim() === '') return undefined;
  // The common case, one `data:` line, without splitting the block into lines.
  if (block.startsWith('data:') && !block.includes('\n') && !(crlf && block.includes('\r'))) {
    return { data: block.charCodeAt(5) === 32 ? block.slice(6) : block.slice(5), raw: `${block}\n\n` };
  }
  let data: string | undefined;
  let event: string | undefined;
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line.startsWith('event:')) event = fieldValue(line, 6);
    if (!line.startsWith('data:')) continue;
    const value = fieldValue(line, 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  if (data === undefined) return undefined;
  return event === undefined ? { data, raw: `${block}\n\n` } : { event, data, raw: `${block}\n\n` };
}

/** A field's value: what follows the colon, less one leading space (the SSE spec's rule). */
function fieldValue(line: string, colon: number): string {
  return line.charCodeAt(colon) === 32 ? line.slice(colon + 1) : line.slice(colon);
}
