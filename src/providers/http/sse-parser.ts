/**
 * Splits an upstream byte stream into server-sent events as they complete, keeping each event's exact
 * bytes so a pass-through relay changes nothing. Events are handed over in batches, one per upstream
 * read, so a relay does one write per read instead of one per event.
 */
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
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (!crlf && text.includes('\r')) crlf = true;
    buffer += text;
    const batch: Array<T | SseMessage> = [];
    let start = 0;
    for (let end = eventEnd(buffer, start, crlf); end !== -1; end = eventEnd(buffer, start, crlf)) {
      const event = toEvent(buffer.slice(start, end));
      start = end + (buffer.startsWith('\r\n\r\n', end) ? 4 : 2);
      const item = event === undefined || map === undefined ? event : map(event);
      if (item !== undefined) batch.push(item);
    }
    if (start > 0) buffer = buffer.slice(start);
    if (batch.length > 0) yield batch;
  }
  const last = toEvent(buffer + decoder.decode());
  const item = last === undefined || map === undefined ? last : map(last);
  if (item !== undefined) yield [item];
}

function eventEnd(buffer: string, from: number, crlf: boolean): number {
  const lf = buffer.indexOf('\n\n', from);
  if (!crlf) return lf;
  const cr = buffer.indexOf('\r\n\r\n', from);
  if (lf === -1) return cr;
  if (cr === -1) return lf;
  return Math.min(lf, cr);
}

function toEvent(block: string): SseMessage | undefined {
  if (block.trim() === '') return undefined;
  // The common case, one `data:` line, without splitting the block into lines.
  if (block.startsWith('data:') && !block.includes('\n')) {
    return { data: block.charCodeAt(5) === 32 ? block.slice(6) : block.slice(5), raw: `${block}\n\n` };
  }
  let data: string | undefined;
  let event: string | undefined;
  for (const line of block.split(/\r?\n/)) {
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
