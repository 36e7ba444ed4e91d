import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Row } from '../columns.ts';
import { normalizeLlmColumns } from './normalize.ts';

describe('normalizeLlmColumns', () => {
  it('makes token counts integers and costs floats, whatever the sender wrote', () => {
    const row: Row = {
      gen_ai_usage_input_tokens: '12',
      gen_ai_usage_output_tokens: 34.8,
      gen_ai_usage_total_tokens: true,
      gen_ai_usage_cache_read_input_tokens: 'many',
      gen_ai_usage_cost: '0.25',
      gen_ai_usage_cost_input: false,
      gen_ai_response_time_to_first_chunk: '1.5',
      other: '12',
    };
    normalizeLlmColumns(row);
    assert.deepEqual(row, {
      gen_ai_usage_input_tokens: 12,
      gen_ai_usage_output_tokens: 34,
      gen_ai_usage_total_tokens: 1,
      gen_ai_usage_cache_read_input_tokens: 0,
      gen_ai_usage_cost: 0.25,
      gen_ai_usage_cost_input: 0,
      gen_ai_response_time_to_first_chunk: 1.5,
      other: '12',
    });
  });
});
