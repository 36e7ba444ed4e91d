/**
 * The call's input and output (OpenObserve's `input_output.rs`), written as `gen_ai.input.messages`
 * and `gen_ai.output.messages`: from GenAI events, else the first convention whose input attribute
 * is there (Langfuse, Traceloop, GenAI, tool calls, Semantic Kernel, the Vercel AI SDK, Vertex AI,
 * Logfire, LiveKit, MLflow, OpenInference's `input.value`, Pydantic), else OpenInference's flattened
 * `llm.input_messages.*`. A string stays a string; an array is stored as JSON text and an object
 * flattens into columns, as any attribute does.
 */
import type { OtlpEvent, OtlpValue } from '../otlp/model.ts';
import { FRAMEWORK, GEN_AI, LANGFUSE, OPENINFERENCE, VERCEL } from './attributes.ts';
import { VERCEL_SCOPE } from './gen-ai-operation.ts';
import { nestedValue } from './key-paths.ts';
import { type Attrs, fromJson, type Json, toJson } from './values.ts';

export interface InputOutput {
  input?: OtlpValue;
  output?: OtlpValue;
}

/** Pairs tried in order after the events: the first whose input is there gives both. */
const PAIRS: Array<[input: string, output: string]> = [
  [LANGFUSE.input, LANGFUSE.output],
  [FRAMEWORK.traceloopInput, FRAMEWORK.traceloopOutput],
];
const LATER_PAIRS: Array<[input: string, output: string]> = [
  [FRAMEWORK.mlflowInputs, FRAMEWORK.mlflowOutputs],
  [OPENINFERENCE.inputValue, OPENINFERENCE.outputValue],
  [FRAMEWORK.input, FRAMEWORK.output],
  [FRAMEWORK.toolArguments, FRAMEWORK.toolResponse],
];

const MESSAGE_EVENTS = new Set([
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
]);

export function inputOutput(
  attrs: Attrs,
  events: readonly OtlpEvent[],
  scope: string | undefined,
): InputOutput {
  const fromEvents = genAiEvents(events);
  if (fromEvents) return fromEvents;
  const pair = firstPair(attrs, PAIRS);
  if (pair) return pair;
  const traceloop = nested(attrs, 'gen_ai.prompt', 'gen_ai.completion');
  if (traceloop) return traceloop;
  const genAi =
    firstPair(attrs, [[GEN_AI.inputMessages, GEN_AI.outputMessages]]) ??
    firstPair(attrs, [[GEN_AI.toolCallArguments, GEN_AI.toolCallResult]]);
  if (genAi) return genAi;
  const kernel = semanticKernelEvents(events);
  if (kernel) return kernel;
  if (scope === VERCEL_SCOPE) {
    const vercel = vercelAiSdk(attrs);
    if (vercel) return vercel;
  }
  const vertex = vertexAi(attrs);
  if (vertex) return vertex;
  const later =
    firstPair(attrs, [[FRAMEWORK.logfirePrompt, FRAMEWORK.logfireAllMessagesEvents]]) ?? liveKit(attrs);
  if (later) return later;
  const logfire = logfireEvents(attrs.get(FRAMEWORK.logfireEvents));
  if (logfire) return logfire;
  return firstPair(attrs, LATER_PAIRS) ?? nested(attrs, 'llm.input_messages', 'llm.output_messages') ?? {};
}

/**
 * The input and output attributes OpenObserve removes once they are in `gen_ai.input.messages` /
 * `gen_ai.output.messages`. OpenInference's `input.value`, `output.value` and `llm.*_messages.*` are
 * not among them here: the store's trace page and many OpenInference tools read them.
 */
const REMOVED: ReadonlySet<string> = new Set([
  VERCEL.promptMessages,
  VERCEL.prompt,
  VERCEL.toolCallArgs,
  VERCEL.responseText,
  VERCEL.resultText,
  VERCEL.toolCallResult,
  VERCEL.responseObject,
  VERCEL.resultObject,
  VERCEL.responseToolCalls,
  VERCEL.resultToolCalls,
  FRAMEWORK.vertexLlmRequest,
  FRAMEWORK.vertexLlmResponse,
  FRAMEWORK.vertexToolCallArgs,
  FRAMEWORK.vertexToolResponse,
  FRAMEWORK.logfirePrompt,
  FRAMEWORK.logfireAllMessagesEvents,
  FRAMEWORK.logfireEvents,
  FRAMEWORK.livekitInputText,
  FRAMEWORK.livekitFunctionToolOutput,
  FRAMEWORK.livekitResponseText,
  FRAMEWORK.mlflowInputs,
  FRAMEWORK.mlflowOutputs,
  FRAMEWORK.traceloopInput,
  FRAMEWORK.traceloopOutput,
  FRAMEWORK.input,
  FRAMEWORK.output,
  FRAMEWORK.toolArguments,
  FRAMEWORK.toolResponse,
  GEN_AI.inputMessages,
  GEN_AI.outputMessages,
  GEN_AI.toolCallArguments,
  GEN_AI.toolCallResult,
  LANGFUSE.input,
  LANGFUSE.output,
]);

export function isRemovedInputOutput(key: string): boolean {
  return REMOVED.has(key) || key.startsWith('gen_ai.prompt') || key.startsWith('gen_ai.completion');
}

function firstPair(attrs: Attrs, pairs: ReadonlyArray<[string, string]>): InputOutput | undefined {
  for (const [inputKey, outputKey] of pairs) {
    const input = attrs.get(inputKey);
    if (input === undefined) continue;
    return withOutput({ input }, attrs.get(outputKey));
  }
  return undefined;
}

function withOutput(io: InputOutput, output: OtlpValue | undefined): InputOutput {
  if (output !== undefined) io.output = output;
  return io;
}

/** `gen_ai.system.message` … `gen_ai.tool.message` events are the input, `gen_ai.choice` events the output. */
function genAiEvents(events: readonly OtlpEvent[]): InputOutput | undefined {
  const input: Json[] = [];
  const output: Json[] = [];
  for (const event of events) {
    if (MESSAGE_EVENTS.has(event.name)) {
      const role = event.name.slice('gen_ai.'.length, -'.message'.length);
      input.push({ role, ...eventObject(event) });
    } else if (event.name === 'gen_ai.choice') output.push(eventObject(event));
  }
  if (input.length === 0 && output.length === 0) return undefined;
  const io: InputOutput = {};
  if (input.length > 0) io.input = fromJson(input);
  if (output.length > 0) io.output = fromJson(output.length === 1 ? (output[0] as Json) : output);
  return io;
}

function semanticKernelEvents(events: readonly OtlpEvent[]): InputOutput | undefined {
  const prompt = events.find((e) => e.name === 'gen_ai.content.prompt');
  const completion = events.find((e) => e.name === 'gen_ai.content.completion');
  if (!prompt && !completion) return undefined;
  const io: InputOutput = {};
  if (prompt) io.input = fromJson(eventObject(prompt));
  if (completion) io.output = fromJson(eventObject(completion));
  return io;
}

function eventObject(event: OtlpEvent): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of event.attributes) out[key] = toJson(value);
  return out;
}

/** `gen_ai.prompt.*` / `gen_ai.completion.*` (Traceloop), `llm.input_messages.*` / `llm.output_messages.*`. */
function nested(attrs: Attrs, inputPrefix: string, outputPrefix: string): InputOutput | undefined {
  const inputs: Array<[string, OtlpValue]> = [];
  const outputs: Array<[string, OtlpValue]> = [];
  for (const entry of attrs) {
    if (entry[0].startsWith(inputPrefix)) inputs.push(entry);
    else if (entry[0].startsWith(outputPrefix)) outputs.push(entry);
  }
  if (inputs.length === 0 && outputs.length === 0) return undefined;
  const io: InputOutput = {};
  if (inputs.length > 0) io.input = fromJson(nestedValue(inputs, inputPrefix));
  if (outputs.length > 0) io.output = fromJson(nestedValue(outputs, outputPrefix));
  return io;
}

function vercelAiSdk(attrs: Attrs): InputOutput | undefined {
  const input =
    attrs.get(VERCEL.promptMessages) ?? attrs.get(VERCEL.prompt) ?? attrs.get(VERCEL.toolCallArgs);
  const text = attrs.get(VERCEL.responseText);
  const calls = attrs.get(VERCEL.responseToolCalls);
  const output =
    text !== undefined && calls !== undefined
      ? fromJson({ role: 'assistant', content: toJson(text), tool_calls: toJson(calls) })
      : (text ??
        attrs.get(VERCEL.resultText) ??
        attrs.get(VERCEL.toolCallResult) ??
        attrs.get(VERCEL.responseObject) ??
        attrs.get(VERCEL.resultObject) ??
        calls ??
        attrs.get(VERCEL.resultToolCalls));
  if (input === undefined && output === undefined) return undefined;
  const io: InputOutput = {};
  if (input !== undefined) io.input = input;
  return withOutput(io, output);
}

/** Vertex AI writes `{}` as the request and answer of a tool call, and the call's own attributes beside. */
function vertexAi(attrs: Attrs): InputOutput | undefined {
  const request = attrs.get(FRAMEWORK.vertexLlmRequest);
  if (request === undefined) return undefined;
  let output = attrs.get(FRAMEWORK.vertexLlmResponse);
  const input = request === '{}' ? attrs.get(FRAMEWORK.vertexToolCallArgs) : request;
  if (output === undefined || output === '{}') output = attrs.get(FRAMEWORK.vertexToolResponse);
  const io: InputOutput = {};
  if (input !== undefined) io.input = input;
  return withOutput(io, output);
}

function liveKit(attrs: Attrs): InputOutput | undefined {
  const input = attrs.get(FRAMEWORK.livekitInputText);
  if (input === undefined) return undefined;
  return withOutput(
    { input },
    attrs.get(FRAMEWORK.livekitFunctionToolOutput) ?? attrs.get(FRAMEWORK.livekitResponseText),
  );
}

/** Logfire's `events` attribute: a JSON list of events named by `event.name`; `gen_ai.choice` is the answer. */
function logfireEvents(value: OtlpValue | undefined): InputOutput | undefined {
  let events: Json;
  if (typeof value === 'string') {
    try {
      events = JSON.parse(value) as Json;
    } catch {
      return undefined;
    }
  } else if (Array.isArray(value)) events = toJson(value);
  else return undefined;
  if (!Array.isArray(events)) return undefined;
  const named = (e: Json) =>
    typeof e === 'object' && e !== null && !Array.isArray(e) && typeof e['event.name'] === 'string'
      ? e['event.name']
      : undefined;
  const choice = events.find((e) => named(e) === 'gen_ai.choice');
  const inputs = events.filter((e) => named(e) !== undefined && named(e) !== 'gen_ai.choice');
  if (choice === undefined && inputs.length === 0) return undefined;
  const io: InputOutput = {};
  if (inputs.length > 0) io.input = fromJson(inputs);
  if (choice !== undefined) io.output = fromJson(choice);
  return io;
}
