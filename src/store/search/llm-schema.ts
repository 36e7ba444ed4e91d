/**
 * Which columns an LLM stream's sessions and users are read from, as OpenObserve decides it: a stream
 * with `gen_ai_usage_input_tokens` uses the `gen_ai_*` names (sessions by `gen_ai_conversation_id`,
 * users by `user_id`, the column `user.id` becomes); one without uses the older `llm_*` names. A stream
 * missing a required column of its kind is refused, with OpenObserve's message.
 */
import type { ColumnType } from '../stream-schema.ts';
import { QueryError } from './query-error.ts';

export interface LlmColumns {
  genAi: boolean;
  session: string;
  user: string;
  input: string;
  output: string;
  /** Absent columns are undefined: their sums answer 0. */
  total?: string;
  cost: string;
  model: string;
  messages?: string;
  /** The cache columns of `gen_ai_*` streams, by the name they are answered under. */
  optional: string[];
}

const REQUIRED_GEN_AI = [
  'gen_ai_usage_input_tokens',
  'gen_ai_usage_output_tokens',
  'gen_ai_usage_cost',
  'gen_ai_response_model',
];
const REQUIRED_LLM = [
  'llm_usage_tokens_input',
  'llm_usage_tokens_output',
  'llm_usage_cost_total',
  'llm_model_name',
];
export const CACHE_TOKENS = [
  'gen_ai_usage_cache_read_input_tokens',
  'gen_ai_usage_cache_creation_input_tokens',
];
export const CACHE_COSTS = [
  'gen_ai_usage_cost_cache_read_input',
  'gen_ai_usage_cost_cache_creation_input',
  'gen_ai_usage_cost_estimated_without_cache',
  'gen_ai_usage_cost_cache_read_savings',
  'gen_ai_usage_cost_net_cache_impact',
];
/** Every column a session id may be in, as OpenObserve looks for a session's traces. */
const SESSION_COLUMNS = ['session_id', 'gen_ai_conversation_id', 'llm_session_id', 'gen_ai.conversation.id'];

/** The columns of `stream`, checked; `validate` false only picks names (OpenObserve's users list). */
export function llmColumns(
  columns: ReadonlyMap<string, ColumnType>,
  stream: string,
  validate = true,
): LlmColumns {
  const genAi = columns.has('gen_ai_usage_input_tokens');
  if (validate)
    for (const field of genAi ? REQUIRED_GEN_AI : REQUIRED_LLM)
      if (!columns.has(field))
        throw new QueryError(`Missing required LLM field '${field}' in stream '${stream}'`);
  const has = (name: string) => (columns.has(name) ? name : undefined);
  return genAi
    ? {
        genAi,
        session: 'gen_ai_conversation_id',
        user: 'user_id',
        input: 'gen_ai_usage_input_tokens',
        output: 'gen_ai_usage_output_tokens',
        total: has('gen_ai_usage_total_tokens'),
        cost: 'gen_ai_usage_cost',
        model: 'gen_ai_response_model',
        messages: has('gen_ai_input_messages'),
        optional: [...CACHE_TOKENS, ...CACHE_COSTS].filter((c) => columns.has(c)),
      }
    : {
        genAi,
        session: 'llm_session_id',
        user: 'llm_user_id',
        input: 'llm_usage_tokens_input',
        output: 'llm_usage_tokens_output',
        total: has('llm_usage_tokens_total'),
        cost: 'llm_usage_cost_total',
        model: 'llm_model_name',
        messages: has('llm_input'),
        optional: [],
      };
}

export function sessionColumns(columns: ReadonlyMap<string, ColumnType>): string[] {
  return SESSION_COLUMNS.filter((c) => columns.has(c));
}
