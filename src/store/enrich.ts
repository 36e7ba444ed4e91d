/**
 * OpenObserve's LLM enrichment at ingest: a span that looks like an LLM call (OpenInference or GenAI
 * attributes) gets the `gen_ai_*` operation, model, provider, token and cost columns when it does not
 * carry them already, so dashboards work whichever convention the sender used.
 */
import { createRequire } from 'node:module';
import type { Cell, Row } from './columns.ts';

type CalcPrice = typeof import('@pydantic/genai-prices').calcPrice;

const MARKERS = [
  'openinference_span_kind',
  'llm_model_name',
  'gen_ai_operation_name',
  'gen_ai_request_model',
  'gen_ai_system',
  'gen_ai_provider_name',
];
const OPERATION: Record<string, string> = { LLM: 'chat', EMBEDDING: 'embeddings' };

let calcPrice: CalcPrice | undefined;
const unpriced = new Set<string>();
const require = createRequire(import.meta.url);

/** The price table costs ~20 MB, so it is loaded (synchronously, so results never depend on timing) on first need. */
function prices(): CalcPrice {
  calcPrice ??= (require('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices')).calcPrice;
  return calcPrice;
}

export function enrichLlmRow(row: Row): void {
  if (!MARKERS.some((m) => row[m] !== undefined)) return;
  const kind = row.openinference_span_kind;
  setDefault(
    row,
    'gen_ai_operation_name',
    typeof kind === 'string' ? (OPERATION[kind] ?? kind.toLowerCase()) : undefined,
  );
  setDefault(row, 'gen_ai_response_model', row.llm_model_name ?? row.gen_ai_request_model);
  setDefault(row, 'gen_ai_provider_name', row.gen_ai_system ?? row.llm_provider ?? row.llm_system);
  const input = num(row.gen_ai_usage_input_tokens ?? row.llm_token_count_prompt);
  const output = num(row.gen_ai_usage_output_tokens ?? row.llm_token_count_completion);
  setDefault(row, 'gen_ai_usage_input_tokens', input);
  setDefault(row, 'gen_ai_usage_output_tokens', output);
  const total =
    num(row.llm_token_count_total) ??
    (input !== undefined && output !== undefined ? input + output : undefined);
  setDefault(row, 'gen_ai_usage_total_tokens', total);
  if (row.gen_ai_usage_cost === undefined) addCost(row, input ?? 0, output ?? 0);
}

function addCost(row: Row, input: number, output: number): void {
  const sent = num(row.llm_cost_total);
  if (sent !== undefined) {
    row.gen_ai_usage_cost = sent;
    setDefault(row, 'gen_ai_usage_cost_input', num(row.llm_cost_prompt));
    setDefault(row, 'gen_ai_usage_cost_output', num(row.llm_cost_completion));
    return;
  }
  const model = row.gen_ai_response_model ?? row.gen_ai_request_model;
  if (typeof model !== 'string' || input + output === 0) return;
  const provider = typeof row.gen_ai_provider_name === 'string' ? row.gen_ai_provider_name : undefined;
  const key = `${provider}/${model}`;
  if (unpriced.has(key)) return;
  const cached = num(row.llm_token_count_prompt_details_cache_read) ?? 0;
  const tokens: Record<string, number> = { input_tokens: input, output_tokens: output };
  if (cached > 0) tokens.cache_read_tokens = cached;
  const price = safePrice(tokens, model, provider) ?? (provider ? safePrice(tokens, model, undefined) : null);
  if (price === null) {
    unpriced.add(key);
    return;
  }
  row.gen_ai_usage_cost_input = price.input_price;
  row.gen_ai_usage_cost_output = price.output_price;
  row.gen_ai_usage_cost = price.input_price + price.output_price;
}

function safePrice(tokens: Record<string, number>, model: string, providerId: string | undefined) {
  try {
    return prices()(tokens, model, providerId ? { providerId } : {}) ?? null;
  } catch {
    return null;
  }
}

function setDefault(row: Row, column: string, value: Cell | undefined): void {
  if (row[column] === undefined && value !== undefined) row[column] = value;
}

function num(value: Cell | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}
