/**
 * What a request body must look like before it goes anywhere. Only the fields whose type matters to
 * the gateway or that upstreams would reject are checked; everything else passes through untouched.
 */
import { z } from 'zod';
import type { Endpoint } from '../providers/spec.ts';

const message = z.looseObject({
  role: z.string().min(1),
});

const common = {
  model: z.string().min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.int().min(1).nullish(),
  max_tokens: z.int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  user: z.string().nullish(),
  mock_response: z.string().nullish(),
};

const chat = z.looseObject({
  ...common,
  messages: z.array(message).min(1),
  max_completion_tokens: z.int().min(1).nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

const tokens = z.array(z.int());
const completions = z.looseObject({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()), tokens, z.array(tokens)]),
});

const embeddings = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), tokens.min(1), z.array(tokens).min(1)]),
  dimensions: z.int().min(1).nullish(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  user: z.string().nullish(),
});

/**
 * The dialects are checked only as far as routing needs and as the upstream would refuse: a body served
 * natively goes upstream as it is, and the translation checks the rest (naming the parameter).
 */
const responses = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.looseObject({}))]).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  max_output_tokens: z.int().min(1).nullish(),
  mock_response: z.string().nullish(),
});

const anthropicMessage = z.looseObject({ role: z.string().min(1) });

const messages = z.looseObject({
  model: z.string().min(1),
  messages: z.array(anthropicMessage),
  max_tokens: z.int().min(1),
  stream: z.boolean().nullish(),
  mock_response: z.string().nullish(),
});

const countTokens = z.looseObject({
  model: z.string().min(1),
  messages: z.array(anthropicMessage),
});

export const REQUEST_SCHEMAS: Record<Endpoint, z.ZodType> = {
  chat,
  completions,
  embeddings,
  responses,
  messages,
  count_tokens: countTokens,
};
