/**
 * Splits an upstream byte stream into server-sent events as they complete, keeping each event's exact
 * bytes so a pass-through relay changes nothing.
 */
import type { SseEvent } from '../spec.ts';

/** Yields every event that carries data; comments and keep-alives are skipped. */
export async function* parseSse(body: AsyncIterable<Buffer | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let end = eventEnd(buffer);
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + separatorLength(buffer, end));
      const event = toEvent(block);
      if (event !== undefined) yield event;
      end = eventEnd(buffer);
    }
  }
  buffer += decoder.decode();
  const last = toEvent(buffer);
  if (last !== undefined) yield last;
}

function eventEnd(buffer: string): number {
  const lf = buffer.indexOf('\n\n');
  const crlf = buffer.indexOf('\r\n\r\n');
  if (lf === -1) return crlf;
  if (crlf === -1) return lf;
  return Math.min(lf, crlf);
}

function separatorLength(buffer: string, end: number): number {
  return buffer.startsWith('\r\n\r\n', end) ? 4 : 2;
}

function toEvent(block: string): SseEvent | undefined {
  if (block.trim() === '') return undefined;
  let data: string | undefined;
  for (const line of block.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  if (data === undefined) return undefined;
  return { data, raw: `${block}\n\n` };
}
