/**
 * The Messages dialect's answers read by Anthropic's own SDK: the stream helper must assemble from the
 * translated events the same Message the whole answer gives, and errors must raise the SDK's classes.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { messagesDialect } from '../src/dialects/messages/index.ts';
import { GatewayError } from '../src/errors/gateway-error.ts';
import { observeChunk } from '../src/providers/openai-compatible/chat-stream.ts';
import { emptySummary, type StreamEvent } from '../src/providers/spec.ts';
import type { JsonObject } from '../src/shared/json.ts';

const request = {
  // A gateway model name, as a client of a translated deployment sends it (and one the SDK does not
  // warn about as deprecated).
  model: 'team-default',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Weather and time in Rome?' }],
};

const USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 80,
  total_tokens: 1280,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 20 },
};

/** One answer, whole. */
const completion: JsonObject = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        reasoning_content: 'Two tools.',
        content: 'Checking Rome.',
        tool_calls: [
          { id: 'call_w', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          { id: 'call_t', type: 'function', function: { name: 'time', arguments: '{"zone":"Europe/Rome"}' } },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: USAGE,
};

/** The same answer as chunks, the tool calls interleaved. */
const header = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o' };
const chunk = (delta: JsonObject, finish: string | null = null) => ({
  ...header,
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const call = (index: number, fn: JsonObject, id?: string) => ({
  tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: fn }],
});
const chunks: JsonObject[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ reasoning_content: 'Two ' }),
  chunk({ reasoning_content: 'tools.' }),
  chunk({ content: 'Checking ' }),
  chunk({ content: 'Rome.' }),
  chunk(call(0, { name: 'weather', arguments: '' }, 'call_w')),
  chunk(call(1, { name: 'time', arguments: '{"zone":' }, 'call_t')),
  chunk(call(0, { arguments: '{"city":' })),
  chunk(call(1, { arguments: '"Europe/Rome"}' })),
  chunk(call(0, { arguments: '"Rome"}' })),
  chunk({}, 'tool_calls'),
  { ...header, choices: [], usage: USAGE },
];

function translated(): StreamEvent[] {
  const stream = messagesDialect.streamFromChat(request);
  const summary = emptySummary();
  const events: StreamEvent[] = [];
  for (const c of chunks) {
    observeChunk(c, summary);
    events.push(...stream.chunk(c));
  }
  return [...events, ...stream.end(summary)];
}

const sse = (events: StreamEvent[]) =>
  events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join('');

/** What the next request to the server gets. */
let answer: { status: number; type: string; body: string } = { status: 200, type: 'text/plain', body: '' };
let server: Server;
let client: Anthropic;

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { 'content-type': answer.type });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'sk-test-x', maxRetries: 0 });
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const serveStream = (events: StreamEvent[]) => {
  answer = { status: 200, type: 'text/event-stream', body: sse(events) };
};
const serveError = (error: GatewayError) => {
  const { status, body } = messagesDialect.errorAnswer(error);
  answer = { status, type: 'application/json', body: JSON.stringify(body) };
};

/** A Message without its id (each translation makes its own) and the SDK's own parsed_output. */
function comparable(message: object): JsonObject {
  const { id, parsed_output, ...rest } = message as JsonObject;
  assert.match(String(id), /^msg_/);
  assert.ok(parsed_output === undefined || parsed_output === null);
  return rest;
}

describe('messages dialect read by the Anthropic SDK', () => {
  it('assembles from the stream the Message the whole answer gives', async () => {
    serveStream(translated());
    const stream = client.messages.stream(request);
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const final = await stream.finalMessage();
    assert.deepEqual(texts, ['Checking ', 'Rome.']);
    const whole = messagesDialect.fromChat(completion, request);
    assert.deepEqual(comparable(final), comparable(whole));
    // The parts a client acts on, spelled out.
    assert.deepEqual(
      final.content.map((b) => (b.type === 'tool_use' ? [b.id, b.name, b.input] : b.type)),
      [
        'thinking',
        'text',
        ['call_w', 'weather', { city: 'Rome' }],
        ['call_t', 'time', { zone: 'Europe/Rome' }],
      ],
    );
    assert.equal(final.stop_reason, 'tool_use');
    assert.equal(final.usage.input_tokens, 200);
    assert.equal(final.usage.cache_read_input_tokens, 1000);
    assert.equal(final.usage.output_tokens, 80);
  });

  it('reads the whole answer as a Message', async () => {
    const whole = messagesDialect.fromChat(completion, request);
    answer = { status: 200, type: 'application/json', body: JSON.stringify(whole) };
    const message = await client.messages.create(request);
    assert.deepEqual(message, whole);
  });

  it('raises the error event of a stream that failed half-way, with its type', async () => {
    const stream = messagesDialect.streamFromChat(request);
    const events = [...stream.chunk(chunk({ content: 'Once upon' }))];
    const error = new GatewayError('Overloaded', { status: 529, type: 'overloaded_error' });
    events.push(...stream.fail(error, emptySummary()));
    serveStream(events);
    await assert.rejects(client.messages.stream(request).finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError, String(err));
      assert.deepEqual(err.error, {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      });
      return true;
    });
  });

  it("raises the SDK's error class for each status", async () => {
    const cases: Array<[GatewayError, new (...args: never[]) => Error, string]> = [
      [
        new GatewayError('bad', { status: 400, type: 'invalid_request_error' }),
        Anthropic.BadRequestError,
        'invalid_request_error',
      ],
      [
        new GatewayError('who', { status: 401, type: 'authentication_error' }),
        Anthropic.AuthenticationError,
        'authentication_error',
      ],
      [
        new GatewayError('slow down', { status: 429, type: 'rate_limit_error' }),
        Anthropic.RateLimitError,
        'rate_limit_error',
      ],
      [
        new GatewayError('busy', { status: 529, type: 'overloaded_error' }),
        Anthropic.InternalServerError,
        'overloaded_error',
      ],
    ];
    for (const [error, kind, type] of cases) {
      serveError(error);
      await assert.rejects(client.messages.create(request), (err: unknown) => {
        assert.ok(err instanceof kind, `${error.status}: ${String(err)}`);
        assert.ok(err instanceof Anthropic.APIError);
        assert.equal(err.status, error.status);
        assert.deepEqual(err.error, { type: 'error', error: { type, message: error.message } });
        return true;
      });
    }
  });
});
