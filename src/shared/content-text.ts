/**
 * The text of an OpenAI message `content` (a string, or parts of which the text ones count) or of a
 * completions `prompt` (a string or a list of strings); undefined when there is no text.
 */
import type { JsonObject } from './json.ts';

export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    else if (typeof (part as JsonObject | null)?.text === 'string')
      texts.push((part as JsonObject).text as string);
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}
