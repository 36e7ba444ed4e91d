/** Attribute values as OpenObserve answers them: strings as Rust writes them, its numeric columns as numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hitValue, rustFloat } from './openobserve-values.ts';

describe('hitValue', () => {
  it('gives attribute numbers and booleans as the strings OpenObserve stores', () => {
    assert.equal(hitValue('http_status_code', 200), '200');
    assert.equal(hitValue('llm_token_count_total', 42), '42');
    assert.equal(hitValue('llm_invocation_temperature', 0.5), '0.5');
    assert.equal(hitValue('tollgate_fallback', true), 'true');
    assert.equal(hitValue('tollgate_fallback', false), 'false');
    assert.equal(hitValue('big', 2n ** 63n - 1n), '9223372036854775807');
    assert.equal(hitValue('service_host_cpu', 3), '3');
    assert.equal(hitValue('llm_model_name', 'gpt-4o'), 'gpt-4o');
    assert.equal(hitValue('anything', null), null);
  });

  it("keeps the span's numeric columns and OpenObserve's gen_ai token and cost columns numbers", () => {
    for (const column of ['_timestamp', 'start_time', 'end_time', 'duration', 'status_code', 'flags'])
      assert.equal(hitValue(column, 7), 7, column);
    assert.equal(hitValue('start_time', 1_764_000_000_000_000_000n), 1_764_000_000_000_000_000n);
    for (const column of [
      'gen_ai_usage_input_tokens',
      'gen_ai_usage_output_tokens',
      'gen_ai_usage_total_tokens',
      'gen_ai_usage_cache_read_input_tokens',
      'gen_ai_usage_cache_creation_input_tokens',
      'gen_ai_usage_cost',
      'gen_ai_usage_cost_input',
      'gen_ai_usage_cost_output',
      'gen_ai_response_time_to_first_chunk',
    ])
      assert.equal(hitValue(column, 12), 12, column);
    // Not one of OpenObserve's normalised columns: a string there.
    assert.equal(hitValue('gen_ai_usage_reasoning_output_tokens', 12), '12');
  });
});

describe('rustFloat', () => {
  it("writes doubles as Rust's Display does: no exponent, inf and NaN", () => {
    assert.equal(rustFloat(0.5), '0.5');
    assert.equal(rustFloat(1), '1');
    assert.equal(rustFloat(0.1 + 0.2), '0.30000000000000004');
    assert.equal(rustFloat(1e21), '1000000000000000000000');
    assert.equal(rustFloat(1.5e22), '15000000000000000000000');
    assert.equal(rustFloat(1e-7), '0.0000001');
    assert.equal(rustFloat(-2.5e-8), '-0.000000025');
    assert.equal(rustFloat(1.2345e-7), '0.00000012345');
    assert.equal(rustFloat(Number.POSITIVE_INFINITY), 'inf');
    assert.equal(rustFloat(Number.NEGATIVE_INFINITY), '-inf');
    assert.equal(rustFloat(Number.NaN), 'NaN');
    assert.equal(rustFloat(-0), '-0');
  });
});
