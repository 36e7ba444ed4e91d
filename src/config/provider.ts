/** Which provider a LiteLLM model string names: `openai/gpt-4o-mini`, `mock/demo`, bare `gpt-4o-mini`. */
import { isKnownUnsupported, providerOf, SUPPORTED_PREFIXES } from '../providers/catalog.ts';

/** Providers Tollgate can call: every prefix in the catalog (aliases included), in its order. */
export const SUPPORTED_PROVIDERS: readonly string[] = SUPPORTED_PREFIXES;

export type ModelRef = { ok: true; provider: string; model: string } | { ok: false; reason: string };

/**
 * Splits a LiteLLM model string at its first `/` (the rest may contain more: `openai/org/model`).
 * A bare name is OpenAI's, as in LiteLLM. `customProvider` is `litellm_params.custom_llm_provider`.
 */
export function parseModelString(litellmModel: string, customProvider?: string): ModelRef {
  const slash = litellmModel.indexOf('/');
  const prefix = slash === -1 ? undefined : litellmModel.slice(0, slash);
  const written = customProvider ?? prefix ?? 'openai';
  // With custom_llm_provider the whole string is the model id, unless it repeats the provider prefix.
  const model = prefix !== undefined && prefix === written ? litellmModel.slice(slash + 1) : litellmModel;
  const provider = providerOf(written);
  const supported = `(supported: ${SUPPORTED_PROVIDERS.join(', ')})`;
  if (provider === undefined) {
    if (isKnownUnsupported(written))
      return { ok: false, reason: `provider "${written}" is not supported yet ${supported}` };
    return {
      ok: false,
      reason:
        `provider "${written}" is not known ${supported}; for an OpenAI-compatible server, ` +
        `write "openai/${litellmModel}" and set api_base`,
    };
  }
  if (model === '') return { ok: false, reason: `no model id after "${written}/"` };
  return { ok: true, provider, model };
}
