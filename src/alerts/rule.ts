/**
 * An alert rule: a metric (error rate, p95 latency or cost) over the last `period` minutes, overall or
 * per model, compared with a threshold every `frequency` minutes; destinations are webhooks by name.
 */
import { z } from 'zod';

export const METRICS = ['error_rate', 'p95_latency_ms', 'cost'] as const;

export const ruleSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (at most 100)'),
  metric: z.enum(METRICS),
  /** One model group's spans only; absent: every model, evaluated per model when `per_model`. */
  model: z.string().min(1).optional(),
  per_model: z.boolean().default(false),
  period: z
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(5),
  frequency: z
    .number()
    .positive()
    .max(24 * 60)
    .default(1),
  operator: z.enum(['>', '>=', '<', '<=']).default('>='),
  threshold: z.number(),
  /** Fewer requests than this in the window never fire (an error rate over two calls means little). */
  min_requests: z.number().int().nonnegative().default(1),
  destinations: z.array(z.string().min(1)).default([]),
  /** Webhook body; OpenObserve's placeholders: {alert_name}, {alert_count}, {rows}, {alert_url}, … */
  template: z.string().max(20_000).optional(),
  enabled: z.boolean().default(true),
});

export type Rule = z.infer<typeof ruleSchema>;

export const destinationSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (at most 100)'),
  type: z.literal('http').default('http'),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['POST', 'PUT']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  /** Used when the rule has no template of its own. */
  template: z.string().max(20_000).optional(),
});

export type Destination = z.infer<typeof destinationSchema>;

export function compare(value: number, operator: Rule['operator'], threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}
