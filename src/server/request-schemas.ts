/**
 * What a request body must look like before it goes anywhere. Only the fields whose type matters to
 * the gateway or that upstreams would reject are checked; everything else passes through untouched.
 */
import { z } from 'zod';
import type { Endpoint } from '../providers/spec.ts';
import { UploadedFile } from '../shared/upload.ts';

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

/**
 * OpenAI's other endpoints answer in one piece here: a stream the client asks for is refused clearly
 * rather than answered as something else. (`stream` is text in a form, a boolean in JSON.)
 */
const notStreamed = (what: string) =>
  z
    .union([z.boolean(), z.string()])
    .nullish()
    .refine((v) => v !== true && v !== 'true', {
      message: `streamed ${what} are not supported by this gateway yet; leave stream out or set it to false`,
    });

const moderations = z.looseObject({
  // Optional, as in OpenAI's API: without one the gateway asks OpenAI's default (gateway.ts).
  model: z.string().min(1).optional(),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.looseObject({ type: z.string() })).min(1),
  ]),
});

const imageGenerations = z.looseObject({
  model: z.string().min(1),
  prompt: z.string().min(1),
  n: z.int().min(1).nullish(),
  stream: notStreamed('image generations'),
  user: z.string().nullish(),
});

const speech = z.looseObject({
  model: z.string().min(1),
  input: z.string().min(1),
  voice: z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]),
  speed: z.number().nullish(),
  // Audio streams as it is made either way; `sse` would wrap it in events that carry base64 deltas.
  stream_format: z
    .enum(['audio', 'sse'])
    .nullish()
    .refine((v) => v !== 'sse', {
      message: "'sse' is not supported by this gateway yet; leave it out or use 'audio'",
    }),
});

/** A form's fields are text: only what routing needs and the file are checked here. */
const transcriptions = z.looseObject({
  model: z.string().min(1),
  file: z.custom<UploadedFile>((v) => v instanceof UploadedFile, {
    message: 'expected an audio file (a form part with a filename)',
  }),
  response_format: z.enum(['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json']).nullish(),
  stream: notStreamed('transcriptions'),
});

const rerank = z.looseObject({
  model: z.string().min(1),
  query: z.string().min(1),
  documents: z.array(z.union([z.string(), z.looseObject({})])).min(1),
  top_n: z.int().min(1).nullish(),
  return_documents: z.boolean().nullish(),
});

export const REQUEST_SCHEMAS: Record<Endpoint, z.ZodType> = {
  chat,
  completions,
  embeddings,
  responses,
  messages,
  count_tokens: countTokens,
  moderations,
  image_generations: imageGenerations,
  speech,
  transcriptions,
  rerank,
};
