/**
 * Token counts for a stream whose upstream reported none (it refused `stream_options`, or ignored it):
 * counted locally with the o200k tokenizer, and marked as estimated. The tokenizer's tables are large
 * (~70 MB), so they are loaded only once some upstream has shown it will not report usage.
 */

import type { Usage } from '../providers/spec.ts';
import { contentText } from '../shared/content-text.ts';
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

/**
 * Exact counting is bounded: BPE is quadratic in the length of a single word (a 4 MB run of one
 * character took minutes), so text is counted in slices, and past a budget per request the rest is
 * extrapolated from the ratio counted so far. A 10 MB prompt then costs milliseconds, not the event loop.
 */
const SLICE_CHARS = 2048;
const EXACT_CHARS = 256 * 1024;

/** Counts texts of one request against one budget of exactly counted characters. */
class BoundedCounter {
  readonly #count: (text: string) => number;
  /** Characters that may still be counted exactly; then one slice per text, as a sample, from a second. */
  #exact = EXACT_CHARS;
  #samples = EXACT_CHARS;

  constructor(count: (text: string) => number) {
    this.#count = count;
  }

  count(text: string): number {
    let tokens = 0;
    let at = 0;
    while (at < text.length && (this.#exact > 0 || (at === 0 && this.#samples > 0))) {
      let end = Math.min(text.length, at + SLICE_CHARS);
      // Cut at a space where there is one, so slicing splits no word of ordinary text.
      const space = end < text.length ? text.lastIndexOf(' ', end) : -1;
      if (space > at + SLICE_CHARS / 2) end = space;
      tokens += this.#count(text.slice(at, end));
      if (this.#exact > 0) this.#exact -= end - at;
      else this.#samples -= end - at;
      at = end;
    }
    // The rest at this text's own ratio (a run of one character and prose differ eightfold).
    if (at < text.length) tokens += Math.ceil((text.length - at) * (at > 0 ? tokens / at : 0.25));
    return tokens;
  }
}

/** OpenAI's accounting: each chat message costs its text plus ~3 tokens, and the reply is primed with 3. */
export function estimateUsage(body: JsonObject, answer: string): Usage {
  const counter = new BoundedCounter(countTokens ?? ((text: string) => Math.ceil(text.length / 4)));
  const count = (text: string) => counter.count(text);
  // The answer first: it is what a cut stream's span is about, so it gets the exact budget.
  const completion = count(answer);
  let prompt = 0;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages as JsonObject[])
      prompt += 3 + count(contentText(m?.content) ?? '') + count(String(m?.role ?? ''));
    prompt += 3;
  } else {
    prompt = count(contentText(body.prompt) ?? '');
  }
  return { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion };
}
