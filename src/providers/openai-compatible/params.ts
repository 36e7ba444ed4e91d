/** The request parameters OpenAI's API takes, per endpoint: what `drop_params` keeps. */
import type { Endpoint } from '../spec.ts';

const CHAT = [
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
];

const COMPLETIONS = [
  'model',
  'prompt',
  'best_of',
  'echo',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'max_tokens',
  'n',
  'presence_penalty',
  'seed',
  'stop',
  'stream',
  'stream_options',
  'suffix',
  'temperature',
  'top_p',
  'user',
];

const EMBEDDINGS = ['model', 'input', 'dimensions', 'encoding_format', 'user'];

/** Sampling knobs that OpenAI's reasoning models (o1, o3, o4, gpt-5) reject. */
const REASONING_REJECTS = new Set([
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'logit_bias',
]);

/** The canonical endpoints: a dialect served natively gets the client's body as it is (no drop_params). */
const BY_ENDPOINT: Partial<Record<Endpoint, ReadonlySet<string>>> = {
  chat: new Set(CHAT),
  completions: new Set(COMPLETIONS),
  embeddings: new Set(EMBEDDINGS),
};

const CHAT_FOR_REASONING: ReadonlySet<string> = new Set(CHAT.filter((p) => !REASONING_REJECTS.has(p)));

/** OpenAI's parameter set for an endpoint, narrowed for reasoning models. */
export function openAiParams(endpoint: Endpoint, model: string): ReadonlySet<string> {
  if (endpoint === 'chat' && isReasoningModel(model)) return CHAT_FOR_REASONING;
  return BY_ENDPOINT[endpoint] ?? NONE;
}

const NONE: ReadonlySet<string> = new Set();

function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)(?!.*-chat)/.test(model);
}
