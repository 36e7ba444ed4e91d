import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OtlpValue } from '../otlp/model.ts';
import { evaluation } from './evaluation.ts';

describe('evaluation', () => {
  it('writes scores as numbers with the evaluator, its type by default deterministic', () => {
    const attrs = new Map<string, OtlpValue>([
      ['llm.evaluation.quality_score', '0.82'],
      ['evaluation_relevance', 0.9],
      ['llm.evaluation.duration_ms', 120],
      ['llm.evaluation.commentary', 'good'],
      ['llm.evaluator.name', 'o2-sre-agent'],
    ]);
    assert.deepEqual(evaluation(attrs), [
      ['llm.evaluation.quality_score', 0.82],
      ['llm.evaluation.relevance', 0.9],
      ['llm.evaluation.duration_ms', 120],
      ['llm.evaluation.commentary', 'good'],
      ['llm.evaluator.name', 'o2-sre-agent'],
      ['llm.evaluator.type', 'deterministic'],
    ]);
  });

  it('reads an LLM judge as a model, and writes nothing without a score', () => {
    const judged = evaluation(
      new Map<string, OtlpValue>([
        ['llm.evaluation.safety', 1],
        ['llm.evaluator.type', 'LLM'],
      ]),
    );
    assert.deepEqual(judged.at(-1), ['llm.evaluator.type', 'model']);
    assert.deepEqual(evaluation(new Map([['llm.evaluation.duration_ms', 5]])), []);
  });
});
