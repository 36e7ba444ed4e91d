/** The prompt template's name, written as `gen_ai.prompt.name` (OpenObserve's `prompt.rs`). */
import { GEN_AI, LANGFUSE } from './attributes.ts';
import { type Attrs, first, text } from './values.ts';

export function promptName(attrs: Attrs): string | undefined {
  return text(first(attrs, [GEN_AI.promptName, LANGFUSE.promptName]));
}
