/**
 * A provider described by data: what config, cost and telemetry need to know about it without loading
 * its adapter. Each provider folder exports one as `descriptor.ts`, and `catalog.ts` collects them.
 *
 * Types only, and descriptors import nothing else: config/, telemetry/ and gateway/ read them, and
 * must not pull in adapters or HTTP code.
 */

export interface ProviderDescriptor {
  /** The LiteLLM prefix (`groq` in `groq/llama-3.1-8b-instant`), also the provider's folder name. */
  readonly name: string;
  /**
   * Other LiteLLM prefixes for the same API that a deployment keeps as written: a `vllm/` deployment is
   * `vllm` in messages, spans and `/v1/models`, as in its config. Listed as supported.
   */
  readonly aliases?: readonly string[];
  /** LiteLLM prefixes read as `name` itself (`text-completion-openai/` is `openai/`). Not listed. */
  readonly readAs?: readonly string[];
  /**
   * `openai-compatible`: the registry builds the adapter from this descriptor, so the folder needs
   * nothing else. `own`: the folder's index.ts has behaviour of its own (another API, URL quirks).
   */
  readonly adapter: 'openai-compatible' | 'own';
  /** The request parameters it takes: OpenAI's per-endpoint set, or a list of the adapter's own. */
  readonly params: 'openai' | 'own';
  /**
   * An OpenAI-compatible host that also serves Cohere's rerank at `{api_base}/rerank` (vLLM, Together
   * AI). Others answer `/v1/rerank` with a 400 naming the provider.
   */
  readonly rerank?: boolean;
  /** Where requests go when a deployment sets no `api_base`; none for servers without a public address. */
  readonly defaultApiBase?: string;
  /** Set when a deployment must name its server; `example` shows what the address looks like. */
  readonly apiBaseRequired?: { readonly example?: string };
  /** Variables a deployment's missing values come from, first set wins, in LiteLLM's order. */
  readonly env: ProviderEnv;
  /** False for local servers (and the mock): a missing key is normal, not worth a warning. */
  readonly keyExpected: boolean;
  /** The `@pydantic/genai-prices` provider id models are priced under; none leaves calls unpriced. */
  readonly priceProvider?: string;
  readonly telemetry?: TelemetryNames;
}

export interface ProviderEnv {
  readonly key?: readonly string[];
  readonly base?: readonly string[];
  readonly version?: readonly string[];
}

/** Names in the tracing conventions; each defaults as noted, so most hosts leave them out. */
export interface TelemetryNames {
  /** `llm.system`: the API dialect spoken (default `openai`, as for every OpenAI-compatible server). */
  readonly system?: string;
  /** OpenInference `llm.provider` (default: the prefix as written). */
  readonly llmProvider?: string;
  /** GenAI semconv `gen_ai.provider.name` (default: the prefix as written). */
  readonly genAiProvider?: string;
}
