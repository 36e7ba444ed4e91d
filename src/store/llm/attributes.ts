/**
 * The attribute names OpenObserve's LLM enrichment reads and writes (its `attributes.rs`): the
 * OpenTelemetry GenAI conventions, OpenInference, Langfuse, the Vercel AI SDK and other frameworks.
 * Keys are as sent (dotted); the row's columns are their flattened names (`gen_ai_usage_cost`).
 */

export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  responseModel: 'gen_ai.response.model',
  finishReasons: 'gen_ai.response.finish_reasons',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  promptName: 'gen_ai.prompt.name',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  totalTokens: 'gen_ai.usage.total_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  cost: 'gen_ai.usage.cost',
  costInput: 'gen_ai.usage.cost.input',
  costOutput: 'gen_ai.usage.cost.output',
  conversationId: 'gen_ai.conversation.id',
  system: 'gen_ai.system',
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  agentVersion: 'gen_ai.agent.version',
} as const;

export const OPENINFERENCE = {
  spanKind: 'openinference.span.kind',
  modelName: 'llm.model_name',
  responseModel: 'llm.response.model',
  promptTokens: 'llm.token_count.prompt',
  completionTokens: 'llm.token_count.completion',
  invocationParameters: 'llm.invocation_parameters',
  costPrompt: 'llm.cost.prompt',
  costCompletion: 'llm.cost.completion',
  costTotal: 'llm.cost.total',
  toolName: 'tool.name',
  toolCallFunctionName: 'tool_call.function.name',
  agentName: 'agent.name',
  inputValue: 'input.value',
  outputValue: 'output.value',
} as const;

export const LANGFUSE = {
  type: 'langfuse.observation.type',
  input: 'langfuse.observation.input',
  output: 'langfuse.observation.output',
  model: 'langfuse.observation.model.name',
  modelParameters: 'langfuse.observation.model.parameters',
  usageDetails: 'langfuse.observation.usage_details',
  costDetails: 'langfuse.observation.cost_details',
  promptName: 'langfuse.observation.prompt.name',
  toolName: 'langfuse.observation.metadata.tool.name',
  toolId: 'langfuse.observation.metadata.tool.id',
  langfuseSessionId: 'langfuse.observation.metadata.langfuse_session_id',
  sessionId: 'langfuse.observation.metadata.session_id',
  source: 'langfuse.observation.metadata.source',
  lsProvider: 'langfuse.observation.metadata.ls_provider',
  completionStartTime: 'langfuse.observation.completion_start_time',
} as const;

export const VERCEL = {
  modelId: 'ai.model.id',
  modelProvider: 'ai.model.provider',
  promptMessages: 'ai.prompt.messages',
  prompt: 'ai.prompt',
  toolChoice: 'ai.prompt.toolChoice',
  toolCallArgs: 'ai.toolCall.args',
  toolCallResult: 'ai.toolCall.result',
  responseText: 'ai.response.text',
  responseObject: 'ai.response.object',
  responseToolCalls: 'ai.response.toolCalls',
  resultText: 'ai.result.text',
  resultObject: 'ai.result.object',
  resultToolCalls: 'ai.result.toolCalls',
  maxSteps: 'ai.settings.maxSteps',
  maxRetries: 'ai.settings.maxRetries',
  mode: 'ai.settings.mode',
  usageTokens: 'ai.usage.tokens',
  userId: 'ai.telemetry.metadata.userId',
  sessionId: 'ai.telemetry.metadata.sessionId',
} as const;

/** Other frameworks' keys, as OpenObserve knows them. */
export const FRAMEWORK = {
  llmRequestType: 'llm.request.type',
  llmUsageTotalTokens: 'llm.usage.total_tokens',
  vertexAgentName: 'gcp.vertex.agent.name',
  vertexLlmRequest: 'gcp.vertex.agent.llm_request',
  vertexLlmResponse: 'gcp.vertex.agent.llm_response',
  vertexToolCallArgs: 'gcp.vertex.agent.tool_call_args',
  vertexToolResponse: 'gcp.vertex.agent.tool_response',
  crewaiTaskAgent: 'crewai.task.agent',
  crewaiTaskTools: 'crewai.task.tools',
  langchainToolName: 'langchain.tool.name',
  logfirePrompt: 'prompt',
  logfireAllMessagesEvents: 'all_messages_events',
  logfireEvents: 'events',
  livekitInputText: 'lk.input_text',
  livekitFunctionToolOutput: 'lk.function_tool.output',
  livekitResponseText: 'lk.response.text',
  mlflowInputs: 'mlflow.spanInputs',
  mlflowOutputs: 'mlflow.spanOutputs',
  traceloopInput: 'traceloop.entity.input',
  traceloopOutput: 'traceloop.entity.output',
  traceloopSpanKind: 'traceloop.span.kind',
  input: 'input',
  output: 'output',
  toolArguments: 'tool_arguments',
  toolResponse: 'tool_response',
  modelConfig: 'model_config',
} as const;

export const USER_ID = 'user.id';
export const SESSION_ID = 'session.id';
/** The environment column OpenObserve writes, whichever key the sender used. */
export const ENVIRONMENT = 'deployment.environment.name';
