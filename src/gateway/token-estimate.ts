/**
 * Token counts for a stream whose upstream reported none (it refused `stream_options`, or ignored it):
 * counted locally with the o200k tokenizer, and marked as estimated. The tokenizer's tables are large
 * (~70 MB), so they are loaded only once some upstream has shown it will not report usage.
 */
import { contentText } from '../providers/content-text.ts';
import type { Usage } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';

let countTokens: ((text: string) => number) | undefined;
let loading: Promise<void> | undefined;

/** Starts loading the tokenizer in the background; until it is there, a rough estimate is used. */
export function prepareTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (m) => {
      countTokens = m.countTokens;
    },
    () => {},
  );
  return loading;
}

/** OpenAI's accounting: each chat message costs its text plus ~3 tokens, and the reply is primed with 3. */
export function estimateUsage(body: JsonObject, answer: string): Usage {
  const count = countTokens ?? ((text: string) => Math.ceil(text.length / 4));
  let prompt = 0;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages as JsonObject[])
      prompt += 3 + count(contentText(m?.content) ?? '') + count(String(m?.role ?? ''));
    prompt += 3;
  } else {
    prompt = count(contentText(body.prompt) ?? '');
  }
  const completion = count(answer);
  return { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion };
}
