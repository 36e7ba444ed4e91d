/** Gemini's `finishReason` as OpenAI's `finish_reason`. */

/** Reasons that mean Gemini withheld the answer for what it contained. */
const FILTERED: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
]);

/** Gemini says STOP after function calls too; OpenAI clients loop on `tool_calls`, so that is what they get. */
export function finishReason(reason: string, calledFunctions: boolean): string {
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return calledFunctions ? 'tool_calls' : 'stop';
}
