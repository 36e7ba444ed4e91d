/** The model's name, written as `gen_ai.response.model` (OpenObserve's `model.rs`). */
import { GEN_AI, LANGFUSE, OPENINFERENCE, VERCEL } from './attributes.ts';
import { type Attrs, first, text } from './values.ts';

/** The answer's model first, then the request's, in each convention; the first key present decides. */
const KEYS = [
  GEN_AI.responseModel,
  VERCEL.modelId,
  GEN_AI.requestModel,
  LANGFUSE.model,
  OPENINFERENCE.responseModel,
  OPENINFERENCE.modelName,
  'model',
];

export function modelName(attrs: Attrs): string | undefined {
  return text(first(attrs, KEYS));
}
