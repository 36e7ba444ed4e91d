/**
 * The ONE place that turns what happened to a request (its RequestRecord) into span attributes, in the
 * OpenInference and GenAI conventions (shared/reference/attributes.md). No route or provider sets
 * attributes by hand.
 */
import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import type { Attributes } from '@opentelemetry/api';
import { redactJsonText } from '../errors/redact.ts';
import type { AttemptRecord, Caller, RequestRecord } from '../gateway/record.ts';

type Endpoint = RequestRecord['endpoint'];

import { descriptorFor } from '../providers/catalog.ts';
import type { JsonObject } from '../shared/json.ts';
import { cut } from './cut.ts';
import { inputMessageAttributes, outputMessageAttributes } from './message-attributes.ts';

/**
 * Span names the OpenInference instrumentors use (the OpenAI one names a span after the answer's
 * class, the Anthropic one after the resource); the seed filters on `ChatCompletion`. Speech's answer
 * class is a byte container and rerank is not OpenAI's: they are named for what they do.
 */
export const REQUEST_SPAN_NAME: Readonly<Record<Endpoint, string>> = {
  chat: 'ChatCompletion',
  completions: 'Completion',
  embeddings: 'CreateEmbeddingResponse',
  responses: 'Response',
  messages: 'Messages',
  count_tokens: 'CountTokens',
  moderations: 'ModerationCreateResponse',
  image_generations: 'ImagesResponse',
  speech: 'Speech',
  transcriptions: 'Transcription',
  rerank: 'Rerank',
};

/**
 * `gen_ai.operation.name`: a Responses or Messages call is a chat turn, and the conventions say so. An
 * image or speech is generated content; the conventions have no name for the other endpoints, which
 * get their own.
 */
const OPERATION: Readonly<Record<Endpoint, string>> = {
  chat: 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
  responses: 'chat',
  messages: 'chat',
  count_tokens: 'count_tokens',
  moderations: 'moderation',
  image_generations: 'generate_content',
  speech: 'generate_content',
  transcriptions: 'transcription',
  rerank: 'rerank',
};

/**
 * OpenInference's span kind (and Langfuse's observation type, which has no reranker: a rerank is part
 * of retrieval); every other endpoint is an LLM call, a generation.
 */
const SPAN_KIND: Partial<Record<Endpoint, { kind: string; observation: string }>> = {
  embeddings: { kind: 'EMBEDDING', observation: 'EMBEDDING' },
  rerank: { kind: 'RERANKER', observation: 'RETRIEVER' },
};
const LLM_KIND = { kind: 'LLM', observation: 'GENERATION' };

/** Endpoints whose request is a conversation, shown as messages (a dialect's through its chat form). */
const CONVERSATION = new Set<Endpoint>(['chat', 'responses', 'messages']);

/** Fields of a request body that are content, not parameters. */
const CONTENT_FIELDS = new Set([
  'messages',
  'prompt',
  'input',
  'instructions',
  'system',
  'model',
  'mock_response',
  'file',
  'query',
  'documents',
]);
/** Credentials LiteLLM lets a client send in the body: never written into a span. */
const CREDENTIAL_FIELDS = new Set([
  'api_key',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'azure_ad_token',
  'vertex_credentials',
  'client_secret',
]);

export interface AttributeOptions {
  hideInputs: boolean;
  hideOutputs: boolean;
  /** Longest string value kept; longer ones are cut and marked. */
  maxValueLength: number;
}

/** A name from the provider's catalog entry; a provider without one goes by its prefix as written. */
const telemetryName = (provider: string, name: 'llmProvider' | 'genAiProvider') =>
  descriptorFor(provider)?.telemetry?.[name] ?? provider;

export function requestSpanAttributes(
  record: RequestRecord,
  status: number,
  options: AttributeOptions,
): Attributes {
  const body = withoutCredentials(record.requestBody);
  const kind = SPAN_KIND[record.endpoint] ?? LLM_KIND;
  const deployment = record.deployment;
  const a: Attributes = {
    [SC.OPENINFERENCE_SPAN_KIND]: kind.kind,
    'llm.observation.type': kind.observation,
    [SC.LLM_SYSTEM]: record.system ?? 'openai',
    [SC.LLM_PROVIDER]: deployment ? telemetryName(deployment.provider, 'llmProvider') : 'unknown',
    [SC.LLM_MODEL_NAME]: deployment?.model ?? record.requestedModel,
    'llm.request.parameters.model': record.requestedModel,
    [SC.LLM_INVOCATION_PARAMETERS]: invocationParameters(body),
    [SC.INPUT_MIME_TYPE]: 'application/json',
    [SC.OUTPUT_MIME_TYPE]: record.outputMimeType ?? 'application/json',
    'gen_ai.operation.name': OPERATION[record.endpoint],
    'gen_ai.provider.name': telemetryName(deployment?.provider ?? 'openai', 'genAiProvider'),
    'gen_ai.request.model': record.requestedModel,
    'gen_ai.request.stream': record.stream,
    'tollgate.attempts': record.attempts.length,
    'tollgate.fallback': record.fallbackGroup !== undefined,
    'http.response.status_code': status,
  };
  if (record.modelGroup !== undefined) a['tollgate.model_group'] = record.modelGroup;
  if (record.fallbackGroup !== undefined) a['tollgate.fallback.model_group'] = record.fallbackGroup;
  if (deployment !== undefined) a['tollgate.deployment.id'] = deployment.id;
  if (record.responseModel !== undefined) a['gen_ai.response.model'] = record.responseModel;
  copyNumber(body, 'max_tokens', a, 'gen_ai.request.max_tokens');
  copyNumber(body, 'max_output_tokens', a, 'gen_ai.request.max_tokens');
  copyNumber(body, 'temperature', a, 'gen_ai.request.temperature');
  copyNumber(body, 'top_p', a, 'gen_ai.request.top_p');
  if (record.endpoint === 'rerank') {
    a[SC.RERANKER_MODEL_NAME] = deployment?.model ?? record.requestedModel;
    copyNumber(body, 'top_n', a, SC.RERANKER_TOP_K);
  }
  if (record.finishReason !== undefined) {
    a[SC.LLM_FINISH_REASON] = record.finishReason;
    a['gen_ai.response.finish_reasons'] = [record.finishReason];
  }
  Object.assign(a, usageAttributes(record));
  if (record.usageEstimated) a['tollgate.usage.estimated'] = true;
  if (record.cost !== undefined) {
    a[SC.LLM_COST_PROMPT] = record.cost.prompt;
    a[SC.LLM_COST_COMPLETION] = record.cost.completion;
    a[SC.LLM_COST_TOTAL] = record.cost.total;
    a['gen_ai.usage.cost'] = record.cost.total;
  }
  if (record.firstChunkMs !== undefined)
    a['gen_ai.response.time_to_first_chunk'] = record.firstChunkMs / 1000;
  const max = options.maxValueLength;
  if (!options.hideInputs) {
    // Cut first: the masking then costs the same for a 10 MB prompt as for a short one.
    a[SC.INPUT_VALUE] = redactJsonText(cut(JSON.stringify(body), max));
    if (CONVERSATION.has(record.endpoint))
      Object.assign(a, inputMessageAttributes(withoutCredentials(record.chatRequest ?? body), max));
    if (record.endpoint === 'rerank' && typeof body.query === 'string')
      a[SC.RERANKER_QUERY] = cut(body.query, max);
  }
  if (!options.hideOutputs) {
    if (record.output !== undefined) a[SC.OUTPUT_VALUE] = cut(record.output, max);
    if (CONVERSATION.has(record.endpoint))
      Object.assign(a, outputMessageAttributes(record.outputChoices, max));
  }
  // Only the unusual endings: most requests complete, and a column per span has its cost at ingest.
  if (record.ending !== undefined && record.ending !== 'completed') a['tollgate.end_reason'] = record.ending;
  if (record.error !== undefined) a['error.type'] = record.error.type;
  if (record.caller !== undefined) Object.assign(a, callerAttributes(record.caller));
  return a;
}

/**
 * Who spent it, so that OpenObserve and the UI can group by key, user, team and organization: the
 * key's alias and name (`sk-...abcd`), never the key or its hash.
 */
function callerAttributes(caller: Caller): Attributes {
  const a: Attributes = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) a[name] = value;
  };
  set('tollgate.key.alias', caller.keyAlias);
  set('tollgate.key.name', caller.keyName);
  set('tollgate.key.user_id', caller.userId);
  set('tollgate.team.id', caller.teamId);
  set('tollgate.team.alias', caller.teamAlias);
  set('tollgate.organization.id', caller.organizationId);
  set('tollgate.end_user', caller.endUser);
  return a;
}

export function attemptSpanAttributes(attempt: AttemptRecord): Attributes {
  const a: Attributes = {
    'tollgate.deployment.id': attempt.deployment.id,
    'tollgate.attempt': attempt.attempt,
    'tollgate.deployment.model': attempt.deployment.model,
    'http.response.status_code': attempt.status,
  };
  const [host, port] = attempt.apiBase.split(':');
  if (host) a['server.address'] = host;
  if (port) a['server.port'] = Number(port);
  if (attempt.aborted) a['tollgate.attempt.aborted'] = true;
  if (attempt.error !== undefined) a['error.type'] = attempt.error.type;
  return a;
}

function usageAttributes(record: RequestRecord): Attributes {
  const u = record.usage;
  if (u === undefined) return {};
  const a: Attributes = {
    [SC.LLM_TOKEN_COUNT_PROMPT]: u.promptTokens,
    [SC.LLM_TOKEN_COUNT_COMPLETION]: u.completionTokens,
    [SC.LLM_TOKEN_COUNT_TOTAL]: u.totalTokens,
    'gen_ai.usage.input_tokens': u.promptTokens,
    'gen_ai.usage.output_tokens': u.completionTokens,
    'gen_ai.usage.total_tokens': u.totalTokens,
  };
  if (u.cachedTokens !== undefined) {
    a[SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ] = u.cachedTokens;
    a['gen_ai.usage.cache_read.input_tokens'] = u.cachedTokens;
  }
  if (u.cacheWriteTokens !== undefined) {
    a[SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE] = u.cacheWriteTokens;
    a['gen_ai.usage.cache_creation.input_tokens'] = u.cacheWriteTokens;
  }
  if (u.reasoningTokens !== undefined) {
    a[SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING] = u.reasoningTokens;
    a['gen_ai.usage.reasoning.output_tokens'] = u.reasoningTokens;
  }
  return a;
}

function withoutCredentials(body: JsonObject): JsonObject {
  if (!Object.keys(body).some((key) => CREDENTIAL_FIELDS.has(key))) return body;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) if (!CREDENTIAL_FIELDS.has(key)) out[key] = value;
  return out;
}

function invocationParameters(body: JsonObject): string {
  const params: JsonObject = {};
  for (const [key, value] of Object.entries(body)) if (!CONTENT_FIELDS.has(key)) params[key] = value;
  return redactJsonText(JSON.stringify(params));
}

function copyNumber(body: JsonObject, key: string, into: Attributes, as: string): void {
  const value = body[key];
  if (typeof value === 'number') into[as] = value;
}
