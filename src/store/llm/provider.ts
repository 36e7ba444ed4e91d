/** The provider, written as `gen_ai.provider.name` (OpenObserve's `provider.rs`). */
import { GEN_AI, LANGFUSE, VERCEL } from './attributes.ts';
import { type Attrs, first, text } from './values.ts';

/**
 * GenAI's provider name, its older `gen_ai.system`, the Vercel AI SDK's provider, LangChain's (via
 * Langfuse); the first key present decides. Then, unlike OpenObserve (which leaves the column out),
 * OpenInference's `llm.provider` and `llm.system`, so an OpenInference-only span names its provider too.
 */
export function providerName(attrs: Attrs): string | undefined {
  const value = first(attrs, [GEN_AI.providerName, GEN_AI.system, VERCEL.modelProvider, LANGFUSE.lsProvider]);
  if (value !== undefined) return text(value);
  return text(first(attrs, ['llm.provider', 'llm.system']));
}
