/**
 * The request's model parameters (OpenObserve's `parameters.rs`), each written as
 * `gen_ai.request.<name>`: from OpenInference's `llm.invocation_parameters` JSON, else Langfuse's
 * model parameters, else Pydantic AI's `model_config`, else the `gen_ai.request.*` attributes
 * themselves; the Vercel AI SDK's settings for its scope. OpenObserve writes every value as a string;
 * here numbers and booleans stay numbers and booleans, as the store keeps every attribute's type, and
 * objects and arrays become JSON text in both.
 */

import { stringify } from '../json.ts';
import type { OtlpValue } from '../otlp/model.ts';
import { FRAMEWORK, GEN_AI, LANGFUSE, OPENINFERENCE, VERCEL } from './attributes.ts';
import { VERCEL_SCOPE } from './gen-ai-operation.ts';
import { type Attrs, type Json, object, toJson } from './values.ts';

const REQUEST_PREFIX = 'gen_ai.request.';

const VERCEL_SETTINGS: Array<[name: string, key: string]> = [
  ['maxSteps', VERCEL.maxSteps],
  ['toolChoice', VERCEL.toolChoice],
  ['maxTokens', GEN_AI.requestMaxTokens],
  ['finishReason', GEN_AI.finishReasons],
  ['system', GEN_AI.system],
  ['maxRetries', VERCEL.maxRetries],
  ['mode', VERCEL.mode],
  ['temperature', GEN_AI.requestTemperature],
];

/** `gen_ai.request.<name>` → value, the model itself left out (it has its own column). */
export function modelParameters(attrs: Attrs, scope: string | undefined): Array<[string, OtlpValue]> {
  const out: Array<[string, OtlpValue]> = [];
  const add = (name: string, value: Json) => {
    if (name !== 'model') out.push([`${REQUEST_PREFIX}${name}`, scalar(value)]);
  };
  if (scope === VERCEL_SCOPE) {
    for (const [name, key] of VERCEL_SETTINGS) {
      const value = attrs.get(key);
      if (value !== undefined) add(name, toJson(value));
    }
    return out;
  }
  for (const key of [OPENINFERENCE.invocationParameters, LANGFUSE.modelParameters, FRAMEWORK.modelConfig]) {
    const parsed = object(attrs.get(key));
    if (parsed === undefined) continue;
    for (const [name, value] of Object.entries(parsed)) add(name, value);
    return out;
  }
  for (const [key, value] of attrs)
    if (key.startsWith(REQUEST_PREFIX) && key !== GEN_AI.requestModel)
      add(key.slice(REQUEST_PREFIX.length), toJson(value));
  return out;
}

/** A scalar as it is; an object or array (or nothing) as its JSON text, as OpenObserve writes it. */
function scalar(value: Json): OtlpValue {
  if (value !== null && typeof value !== 'object') return value;
  return stringify(value);
}
