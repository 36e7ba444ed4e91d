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

const MODERATIONS = ['model', 'input'];

const IMAGE_GENERATIONS = [
  'model',
  'prompt',
  'background',
  'complexity',
  'frame_count',
  'frame_duration_ms',
  'moderation',
  'n',
  'output_compression',
  'output_format',
  'partial_images',
  'quality',
  'response_format',
  'safety_identifier',
  'size',
  'stream',
  'style',
  'svg',
  'user',
];

const SPEECH = ['model', 'input', 'voice', 'instructions', 'response_format', 'speed', 'stream_format'];

/** The form's fields (arrays under their plain names: `include`, not `include[]`). */
const TRANSCRIPTIONS = [
  'model',
  'file',
  'chunking_strategy',
  'include',
  'keywords',
  'known_speaker_names',
  'known_speaker_references',
  'language',
  'languages',
  'prompt',
  'response_format',
  'stream',
  'temperature',
  'timestamp_granularities',
];

/** Cohere's rerank, as vLLM and Together AI serve it (OpenAI has none). */
const RERANK = [
  'model',
  'query',
  'documents',
  'top_n',
  'return_documents',
  'rank_fields',
  'max_chunks_per_doc',
  'max_tokens_per_doc',
];

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

/**
 * The canonical endpoints and OpenAI's others: a dialect served natively gets the client's body as it is
 * (no drop_params).
 */
const BY_ENDPOINT: Partial<Record<Endpoint, ReadonlySet<string>>> = {
  chat: new Set(CHAT),
  completions: new Set(COMPLETIONS),
  embeddings: new Set(EMBEDDINGS),
  moderations: new Set(MODERATIONS),
  image_generations: new Set(IMAGE_GENERATIONS),
  speech: new Set(SPEECH),
  transcriptions: new Set(TRANSCRIPTIONS),
  rerank: new Set(RERANK),
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
