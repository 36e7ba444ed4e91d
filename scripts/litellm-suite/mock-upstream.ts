// A local stand-in for every upstream that LiteLLM's end-to-end suite reaches through the gateway:
// OpenAI and Azure OpenAI (chat, streaming with usage, completions, embeddings, images, moderations,
// speech, transcriptions, models), Anthropic's Messages API and Cohere-style rerank. Answers carry
// plausible usage so that priced models cost more than zero.
//
// It behaves like the public fake OpenAI endpoint the suite's config names: the model `429` always
// answers 429, every other model answers at once. Not the bench's mock (bench/mock-upstream.ts), which
// serves one pre-serialised chat answer as fast as it can; this one parses every request.
//
// Run: node scripts/litellm-suite/mock-upstream.ts [--port 0] [--log FILE]  → prints `listening <port>`

import { appendFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

type Json = Record<string, unknown>;

const ANSWER = 'This is a mock answer from the local upstream of the LiteLLM suite harness.';
const COMPLETION_TOKENS = 16;

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function randomId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 12)}`;
}

/** Roughly four characters a token, as OpenAI's tokenizer averages on English text. */
function tokensOf(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}

function promptTokens(body: Json): number {
  if (Array.isArray(body.messages)) {
    return body.messages.reduce((sum: number, m: unknown) => sum + 4 + tokensOf((m as Json)?.content), 0);
  }
  return tokensOf(body.prompt ?? body.input ?? '');
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function openAiError(res: ServerResponse, status: number, message: string, type: string): void {
  sendJson(res, status, { error: { message, type, param: null, code: type } });
}

function startSse(res: ServerResponse): (payload: unknown) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  return (payload) => {
    res.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
  };
}

/**
 * Requests to the public fake OpenAI endpoint the suite's configs name (served under /fake-openai): it
 * answers every chat with the same small usage (OpenAI's documentation example, 9 + 12 tokens), whatever
 * the prompt, and the suite's budget tests are sized for that.
 */
const FAKE_ENDPOINT_BODIES = new WeakSet<Json>();

function usage(body: Json): Json {
  if (FAKE_ENDPOINT_BODIES.has(body)) return { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 };
  const prompt = promptTokens(body);
  return {
    prompt_tokens: prompt,
    completion_tokens: COMPLETION_TOKENS,
    total_tokens: prompt + COMPLETION_TOKENS,
  };
}

function wantsUsage(body: Json): boolean {
  const options = body.stream_options as Json | undefined;
  return options?.include_usage === true;
}

/** A small instance of a JSON schema: what a model asked for structured output would answer. */
function instanceOf(schema: unknown, defs: Json, depth = 0): unknown {
  if (!isObject(schema) || depth > 8) return null;
  if (typeof schema.$ref === 'string')
    return instanceOf(defs[schema.$ref.split('/').pop() ?? ''], defs, depth + 1);
  const options = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(options)) return instanceOf(options[0], defs, depth + 1);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      return Object.fromEntries(
        Object.entries(properties).map(([k, v]) => [k, instanceOf(v, defs, depth + 1)]),
      );
    }
    case 'array':
      return [instanceOf(schema.items, defs, depth + 1)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'mock';
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The answer's text: JSON when the request asks for a JSON schema or a JSON object, prose otherwise. */
function answerFor(body: Json): string {
  const format = isObject(body.response_format) ? body.response_format : undefined;
  if (format?.type === 'json_object') return JSON.stringify({ answer: ANSWER });
  const spec =
    format?.type === 'json_schema' && isObject(format.json_schema) ? format.json_schema : undefined;
  if (!spec) return ANSWER;
  const schema = isObject(spec.schema) ? spec.schema : {};
  const defs = isObject(schema.$defs) ? schema.$defs : isObject(schema.definitions) ? schema.definitions : {};
  return JSON.stringify(instanceOf(schema, defs));
}

function chat(res: ServerResponse, body: Json, model: string): void {
  const text = answerFor(body);
  const id = randomId('chatcmpl');
  const created = now();
  const tools = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none';
  const firstTool = tools ? ((body.tools as Json[])[0]?.function as Json | undefined) : undefined;
  const toolCalls = firstTool
    ? [
        {
          id: randomId('call'),
          type: 'function',
          function: { name: String(firstTool.name), arguments: '{}' },
        },
      ]
    : undefined;
  const finish = toolCalls ? 'tool_calls' : 'stop';
  if (body.stream === true) {
    const send = startSse(res);
    const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_mock' };
    send({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    if (toolCalls) {
      const delta = { tool_calls: toolCalls.map((c, index) => ({ index, ...c })) };
      send({ ...base, choices: [{ index: 0, delta, finish_reason: null }] });
    } else {
      for (const word of text.split(/(?<= )/)) {
        send({ ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] });
      }
    }
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
    if (wantsUsage(body)) send({ ...base, choices: [], usage: usage(body) });
    send('[DONE]');
    res.end();
    return;
  }
  const message = toolCalls
    ? { role: 'assistant', content: null, tool_calls: toolCalls }
    : { role: 'assistant', content: text };
  sendJson(res, 200, {
    id,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: 'fp_mock',
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage: usage(body),
  });
}

function completion(res: ServerResponse, body: Json, model: string): void {
  const id = randomId('cmpl');
  const created = now();
  if (body.stream === true) {
    const send = startSse(res);
    for (const word of ANSWER.split(/(?<= )/)) {
      send({
        id,
        object: 'text_completion',
        created,
        model,
        choices: [{ index: 0, text: word, finish_reason: null }],
      });
    }
    send({
      id,
      object: 'text_completion',
      created,
      model,
      choices: [{ index: 0, text: '', finish_reason: 'stop' }],
    });
    if (wantsUsage(body))
      send({ id, object: 'text_completion', created, model, choices: [], usage: usage(body) });
    send('[DONE]');
    res.end();
    return;
  }
  sendJson(res, 200, {
    id,
    object: 'text_completion',
    created,
    model,
    choices: [{ index: 0, text: ANSWER, logprobs: null, finish_reason: 'stop' }],
    usage: usage(body),
  });
}

function embeddings(res: ServerResponse, body: Json, model: string): void {
  const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
  const dims = typeof body.dimensions === 'number' && body.dimensions > 0 ? body.dimensions : 8;
  const data = inputs.map((input, index) => {
    const vector = Array.from({ length: dims }, (_, i) => Math.sin(index + i + tokensOf(input)) / 2);
    const embedding =
      body.encoding_format === 'base64'
        ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
        : vector;
    return { object: 'embedding', index, embedding };
  });
  const prompt = inputs.reduce((sum: number, input: unknown) => sum + tokensOf(input), 0);
  sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: prompt, total_tokens: prompt } });
}

// A 1x1 transparent PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

function images(res: ServerResponse, body: Json): void {
  const n = typeof body.n === 'number' && body.n > 0 ? body.n : 1;
  const item =
    body.response_format === 'b64_json'
      ? { b64_json: PNG, revised_prompt: String(body.prompt ?? '') }
      : { url: 'https://example.invalid/mock-image.png', revised_prompt: String(body.prompt ?? '') };
  sendJson(res, 200, {
    created: now(),
    data: Array.from({ length: n }, () => item),
    usage: { input_tokens: tokensOf(body.prompt), output_tokens: 0, total_tokens: tokensOf(body.prompt) },
  });
}

function moderations(res: ServerResponse, body: Json, model: string): void {
  const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
  const categories = { hate: false, harassment: false, 'self-harm': false, sexual: false, violence: false };
  const scores = { hate: 0.0001, harassment: 0.0001, 'self-harm': 0.0001, sexual: 0.0001, violence: 0.0001 };
  sendJson(res, 200, {
    id: randomId('modr'),
    model,
    results: inputs.map(() => ({ flagged: false, categories, category_scores: scores })),
  });
}

function rerank(res: ServerResponse, body: Json, model: string): void {
  const documents = Array.isArray(body.documents) ? body.documents : [];
  const topN = typeof body.top_n === 'number' ? body.top_n : documents.length;
  const results = documents
    .map((document, index) => ({ index, relevance_score: 1 / (index + 2), document }))
    .slice(0, topN)
    .map(({ index, relevance_score, document }) =>
      body.return_documents === true ? { index, relevance_score, document } : { index, relevance_score },
    );
  sendJson(res, 200, {
    id: randomId('rerank'),
    model,
    results,
    meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } },
  });
}

function anthropicMessages(res: ServerResponse, body: Json, model: string): void {
  const id = randomId('msg');
  const input = promptTokens(body) + tokensOf(body.system ?? '');
  if (body.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const event = (type: string, payload: Json) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`);
    event('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        usage: { input_tokens: input, output_tokens: 1 },
      },
    });
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (const word of ANSWER.split(/(?<= )/)) {
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } });
    }
    event('content_block_stop', { index: 0 });
    event('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: COMPLETION_TOKENS },
    });
    event('message_stop', {});
    res.end();
    return;
  }
  sendJson(res, 200, {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: ANSWER }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: input, output_tokens: COMPLETION_TOKENS },
  });
}

/** Gemini's generateContent and streamGenerateContent (`?alt=sse`). */
function gemini(res: ServerResponse, body: Json, model: string, stream: boolean): void {
  const prompt = tokensOf(body.contents ?? '');
  const answer = (text: string, finish: string | null) => ({
    candidates: [
      {
        content: { role: 'model', parts: [{ text }] },
        index: 0,
        ...(finish ? { finishReason: finish } : {}),
      },
    ],
    usageMetadata: {
      promptTokenCount: prompt,
      candidatesTokenCount: COMPLETION_TOKENS,
      totalTokenCount: prompt + COMPLETION_TOKENS,
    },
    modelVersion: model,
  });
  if (!stream) {
    sendJson(res, 200, answer(ANSWER, 'STOP'));
    return;
  }
  const send = startSse(res);
  const words = ANSWER.split(/(?<= )/);
  words.forEach((word, i) => {
    send(answer(word, i === words.length - 1 ? 'STOP' : null));
  });
  res.end();
}

function modelOf(path: string, body: Json): string {
  const named = /\/(?:deployments|models)\/([^/:]+)[/:]/.exec(path);
  return typeof body.model === 'string' ? body.model : named?.[1] ? decodeURIComponent(named[1]) : 'mock';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer, contentType: string): Json {
  if (!contentType.includes('json') || raw.length === 0) return {};
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
  } catch {
    return {};
  }
}

/** The families of OpenAI's own model ids. */
const OPENAI_MODEL =
  /^(gpt-|gpt4|o\d|chatgpt|text-|dall-e|whisper|tts-|omni-|davinci|babbage|ft:|computer-use|codex)/;

function route(req: IncomingMessage, res: ServerResponse, raw: Buffer, log: (line: string) => void): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const contentType = String(req.headers['content-type'] ?? '');
  const body = parseJson(raw, contentType);
  const model = modelOf(path, body);
  if (path.startsWith('/fake-openai/')) FAKE_ENDPOINT_BODIES.add(body);
  log(`${req.method} ${path} model=${model} stream=${body.stream === true}`);

  if (req.method === 'GET' && /\/models$/.test(path)) {
    sendJson(res, 200, {
      object: 'list',
      data: [{ id: 'gpt-4.1-mini', object: 'model', created: 0, owned_by: 'mock' }],
    });
    return;
  }
  if (req.method !== 'POST') {
    openAiError(res, 404, `mock upstream: no route for ${req.method} ${path}`, 'not_found');
    return;
  }
  // Under /openai the mock stands in for api.openai.com itself, which serves only its own models: a
  // name it does not know (a model a test deleted, reached through the `*` wildcard) is OpenAI's 404.
  if (path.startsWith('/openai/') && model !== '' && !OPENAI_MODEL.test(model)) {
    openAiError(
      res,
      404,
      `The model \`${model}\` does not exist or you do not have access to it.`,
      'model_not_found',
    );
    return;
  }
  if (model === '429' || model.endsWith('/429')) {
    openAiError(res, 429, 'mock upstream: rate limit reached for this model', 'rate_limit_exceeded');
    return;
  }
  if (path.endsWith(':generateContent')) {
    gemini(res, body, model, false);
    return;
  }
  if (path.endsWith(':streamGenerateContent')) {
    gemini(res, body, model, true);
    return;
  }
  if (path.endsWith('/chat/completions')) {
    chat(res, body, model);
    return;
  }
  if (path.endsWith('/completions')) {
    completion(res, body, model);
    return;
  }
  if (path.endsWith('/embeddings')) {
    embeddings(res, body, model);
    return;
  }
  if (path.endsWith('/images/generations')) {
    images(res, body);
    return;
  }
  if (path.endsWith('/moderations')) {
    moderations(res, body, model);
    return;
  }
  if (path.endsWith('/rerank')) {
    rerank(res, body, model);
    return;
  }
  if (path.endsWith('/messages')) {
    anthropicMessages(res, body, model);
    return;
  }
  if (path.endsWith('/audio/speech')) {
    const audio = Buffer.alloc(1024, 0xff);
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': audio.length });
    res.end(audio);
    return;
  }
  if (path.endsWith('/audio/transcriptions') || path.endsWith('/audio/translations')) {
    sendJson(res, 200, { text: ANSWER, usage: { type: 'duration', seconds: 3 } });
    return;
  }
  openAiError(res, 404, `mock upstream: no route for POST ${path}`, 'not_found');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      log: { type: 'string' },
    },
  });
  const logFile = values.log;
  const log = (line: string) => {
    if (logFile) appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  };
  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => route(req, res, raw, log))
      .catch((error: unknown) => {
        log(`error ${String(error)}`);
        if (!res.headersSent) openAiError(res, 500, 'mock upstream: internal error', 'server_error');
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(Number(values.port), values.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`listening ${port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
