/**
 * Evaluation scores an evaluator wrote on a span (OpenObserve's `evaluation.rs`): `llm.evaluation.*`
 * scores (or `evaluation_*` / `llm_evaluation_*`), rewritten as numbers under `llm.evaluation.*`,
 * with the evaluator's name, version and type. Written only when one of the six scores is there.
 */

import { stringify } from '../json.ts';
import type { OtlpValue } from '../otlp/model.ts';
import { type Attrs, float, text, toJson } from './values.ts';

const SCORES: Array<[column: string, keys: string[]]> = [
  ['llm.evaluation.quality_score', ['llm.evaluation.quality_score', 'llm_evaluation_quality_score']],
  [
    'llm.evaluation.relevance',
    ['llm.evaluation.relevance', 'evaluation_relevance', 'llm_evaluation_relevance'],
  ],
  [
    'llm.evaluation.completeness',
    ['llm.evaluation.completeness', 'evaluation_completeness', 'llm_evaluation_completeness'],
  ],
  [
    'llm.evaluation.tool_effectiveness',
    [
      'llm.evaluation.tool_effectiveness',
      'evaluation_tool_effectiveness',
      'llm_evaluation_tool_effectiveness',
    ],
  ],
  [
    'llm.evaluation.groundedness',
    ['llm.evaluation.groundedness', 'evaluation_groundedness', 'llm_evaluation_groundedness'],
  ],
  ['llm.evaluation.safety', ['llm.evaluation.safety', 'evaluation_safety', 'llm_evaluation_safety']],
];
/** Not a score: alone it does not make an evaluation. */
const DURATION: [string, string[]] = [
  'llm.evaluation.duration_ms',
  ['llm.evaluation.duration_ms', 'llm_evaluation_duration_ms'],
];

/** The attributes to write: none when the span carries no score. */
export function evaluation(attrs: Attrs): Array<[string, OtlpValue]> {
  const out: Array<[string, OtlpValue]> = [];
  for (const [column, keys] of SCORES) {
    const score = firstFloat(attrs, keys);
    if (score !== undefined) out.push([column, score]);
  }
  if (out.length === 0) return out;
  const duration = firstFloat(attrs, DURATION[1]);
  if (duration !== undefined) out.push([DURATION[0], duration]);
  const texts: Array<[string, string[]]> = [
    ['llm.evaluation.commentary', ['llm.evaluation.commentary', 'llm_evaluation_commentary']],
    ['llm.evaluator.name', ['llm.evaluator.name', 'llm_evaluator_name']],
    ['llm.evaluator.version', ['llm.evaluator.version', 'llm_evaluator_version']],
  ];
  for (const [column, keys] of texts) {
    const value = firstText(attrs, keys);
    if (value !== undefined) out.push([column, value]);
  }
  out.push([
    'llm.evaluator.type',
    evaluatorType(firstText(attrs, ['llm.evaluator.type', 'llm_evaluator_type'])),
  ]);
  return out;
}

function evaluatorType(value: string | undefined): string {
  const lower = value?.toLowerCase();
  if (lower === 'human') return 'human';
  if (lower === 'model' || lower === 'llm') return 'model';
  return 'deterministic';
}

function firstFloat(attrs: Attrs, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const score = float(attrs.get(key));
    if (score !== undefined) return score;
  }
  return undefined;
}

/** A string as it is; any other value as its JSON text. */
function firstText(attrs: Attrs, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = attrs.get(key);
    if (value === undefined || value === null) continue;
    return text(value) ?? stringify(toJson(value));
  }
  return undefined;
}
