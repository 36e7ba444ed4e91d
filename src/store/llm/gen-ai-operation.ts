/**
 * Which spans are LLM spans, and their `gen_ai.operation.name` (OpenObserve's `gen_ai_operation.rs`).
 * The test whether a span is one runs for every span stored, so it is one set lookup per attribute.
 */
import type { OtlpAttributes } from '../otlp/model.ts';
import { FRAMEWORK, GEN_AI, LANGFUSE, OPENINFERENCE, VERCEL } from './attributes.ts';
import { type Attrs, text } from './values.ts';

/** Any one of these makes a span an LLM span (OpenObserve's `is_llm_trace`). */
const MARKERS: ReadonlySet<string> = new Set([
  GEN_AI.operationName,
  GEN_AI.requestModel,
  GEN_AI.inputMessages,
  GEN_AI.agentName,
  GEN_AI.agentId,
  FRAMEWORK.llmRequestType,
  VERCEL.modelId,
  VERCEL.prompt,
  VERCEL.promptMessages,
  OPENINFERENCE.modelName,
  LANGFUSE.type,
  OPENINFERENCE.spanKind,
  OPENINFERENCE.agentName,
  OPENINFERENCE.toolName,
  OPENINFERENCE.toolCallFunctionName,
  FRAMEWORK.vertexAgentName,
  FRAMEWORK.crewaiTaskAgent,
  FRAMEWORK.crewaiTaskTools,
  FRAMEWORK.langchainToolName,
  FRAMEWORK.vertexLlmRequest,
  FRAMEWORK.logfirePrompt,
  FRAMEWORK.mlflowInputs,
  FRAMEWORK.traceloopSpanKind,
  FRAMEWORK.input,
  OPENINFERENCE.inputValue,
]);

/** The Vercel AI SDK's instrumentation scope. */
export const VERCEL_SCOPE = 'ai';

export function isLlmSpan(attributes: OtlpAttributes, scope: string | undefined): boolean {
  if (scope === VERCEL_SCOPE) return true;
  for (const [key] of attributes) if (MARKERS.has(key)) return true;
  return false;
}

/** The OpenTelemetry GenAI conventions' well-known operation names. */
const WELL_KNOWN = new Set([
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
  'invoke_agent',
  'create_agent',
  'execute_tool',
  'invoke_workflow',
  'retrieval',
]);

const REQUEST_TYPE: Record<string, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};
const TRACELOOP_KIND: Record<string, string> = {
  workflow: 'invoke_workflow',
  task: 'task',
  agent: 'invoke_agent',
  tool: 'execute_tool',
};
const OPENINFERENCE_KIND: Record<string, string> = {
  LLM: 'chat',
  CHAIN: 'chain',
  EMBEDDING: 'embeddings',
  AGENT: 'invoke_agent',
  TOOL: 'execute_tool',
  RETRIEVER: 'retrieval',
  EVALUATOR: 'evaluator',
  GUARDRAIL: 'guardrail',
};
const LANGFUSE_TYPE: Record<string, string> = {
  GENERATION: 'chat',
  CHAIN: 'chain',
  EMBEDDING: 'embeddings',
  AGENT: 'invoke_agent',
  TOOL: 'execute_tool',
  SPAN: 'span',
  RETRIEVER: 'retrieval',
};
const MODEL_KEYS = [
  GEN_AI.requestModel,
  GEN_AI.responseModel,
  VERCEL.modelId,
  OPENINFERENCE.modelName,
  OPENINFERENCE.responseModel,
  'model',
];

/**
 * The operation, by the first convention that names one: GenAI's own well-known value, OpenLLMetry's
 * request type, Traceloop's, OpenInference's and Langfuse's span kinds, the Vercel AI SDK's scope, a
 * tool call, a model; else `span`. A sender's own value outside the well-known ones is kept here
 * (OpenObserve replaces it with what the other conventions say): `rerank` stays `rerank`.
 */
export function operationName(attrs: Attrs, scope: string | undefined): string {
  const sent = text(attrs.get(GEN_AI.operationName))?.trim();
  if (sent !== undefined && WELL_KNOWN.has(sent.toLowerCase())) return sent.toLowerCase();
  if (sent !== undefined && sent !== '') return sent;
  return derivedOperation(attrs, scope) ?? 'span';
}

function derivedOperation(attrs: Attrs, scope: string | undefined): string | undefined {
  const fromMap = (key: string, map: Record<string, string>, upper: boolean) => {
    const value = text(attrs.get(key));
    return value === undefined ? undefined : map[upper ? value.toUpperCase() : value.toLowerCase()];
  };
  const named =
    fromMap(FRAMEWORK.llmRequestType, REQUEST_TYPE, false) ??
    fromMap(FRAMEWORK.traceloopSpanKind, TRACELOOP_KIND, false) ??
    fromMap(OPENINFERENCE.spanKind, OPENINFERENCE_KIND, true) ??
    fromMap(LANGFUSE.type, LANGFUSE_TYPE, true);
  if (named !== undefined) return named;
  if (scope === VERCEL_SCOPE)
    return attrs.has(VERCEL.modelId) || attrs.has(GEN_AI.requestModel) || attrs.has(GEN_AI.responseModel)
      ? 'chat'
      : 'span';
  if (attrs.has(GEN_AI.toolName) || attrs.has(GEN_AI.toolCallId)) return 'execute_tool';
  if (MODEL_KEYS.some((key) => attrs.has(key))) return 'chat';
  return undefined;
}

/** Chat, completion, content generation or embeddings: the operations whose tokens are counted and priced. */
export function isGenerationOrEmbedding(operation: string): boolean {
  return (
    operation === 'chat' ||
    operation === 'text_completion' ||
    operation === 'generate_content' ||
    operation === 'embeddings'
  );
}
