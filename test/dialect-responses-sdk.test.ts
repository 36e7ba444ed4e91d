/**
 * The Responses dialect's translated answers as the official openai SDK reads them: a tiny server
 * answers `POST /v1/responses` with `fromChat`'s JSON, or with `streamFromChat`'s events written as
 * server-sent events, for chat answers given as scripted chunks. The SDK's stream helper checks item
 * ids, output indexes and content indexes strictly, so a wrong event order fails here.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { responsesDialect } from '../src/dialects/responses/index.ts';
import { GatewayError } from '../src/errors/gateway-error.ts';
import { observeChunk } from '../src/providers/openai-compatible/chat-stream.ts';
import { emptySummary, type StreamEvent } from '../src/providers/spec.ts';
import type { JsonObject } from '../src/shared/json.ts';

interface Script {
  /** The chunks of the streamed answer. */
  chunks: JsonObject[];
  /** The same answer as one `chat.completion`. */
  completion: JsonObject;
  /** Fail the stream after the chunks instead of ending it. */
  failWith?: GatewayError;
}

const header = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'upstream',
};
const chunk = (delta: JsonObject, finishReason: string | null = null): JsonObject => ({
  ...header,
  choices: [{ index: 0, delta, finish_reason: finishReason }],
});
const USAGE = {
  prompt_tokens: 21,
  completion_tokens: 13,
  total_tokens: 34,
  prompt_tokens_details: { cached_tokens: 5 },
  completion_tokens_details: { reasoning_tokens: 4 },
};
const completion = (message: JsonObject, finishReason: string): JsonObject => ({
  ...header,
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
  usage: USAGE,
});

const SCRIPTS: Record<string, Script> = {
  text: {
    chunks: [
      chunk({ role: 'assistant', reasoning_content: 'Greet ' }),
      chunk({ reasoning_content: 'back.' }),
      chunk({ content: 'Hello' }),
      chunk({ content: ', world.' }),
      chunk({}, 'stop'),
      { ...header, choices: [], usage: USAGE },
    ],
    completion: completion({ content: 'Hello, world.', reasoning_content: 'Greet back.' }, 'stop'),
  },
  tools: {
    // Text first, then two calls whose argument deltas interleave.
    chunks: [
      chunk({ role: 'assistant', content: 'Checking both.' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_p', type: 'function', function: { name: 'weather', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_r', type: 'function', function: { name: 'weather', arguments: '{"city":' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '"Rome"}' } }] }),
      chunk({}, 'tool_calls'),
      { ...header, choices: [], usage: USAGE },
    ],
    completion: completion(
      {
        content: 'Checking both.',
        tool_calls: [
          { id: 'call_p', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_r', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      'tool_calls',
    ),
  },
  custom: {
    // A namespaced function call, then a custom tool's call: its input comes whole when it closes.
    chunks: [
      chunk({
        role: 'assistant',
        tool_calls: [
          { index: 0, id: 'call_s', type: 'function', function: { name: 'agents__spawn', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"task":"lint"}' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_c', type: 'function', function: { name: 'calc', arguments: '{"input":' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '"+ 42"}' } }] }),
      chunk({}, 'tool_calls'),
      { ...header, choices: [], usage: USAGE },
    ],
    completion: completion(
      {
        content: null,
        tool_calls: [
          {
            id: 'call_s',
            type: 'function',
            function: { name: 'agents__spawn', arguments: '{"task":"lint"}' },
          },
          { id: 'call_c', type: 'function', function: { name: 'calc', arguments: '{"input":"+ 42"}' } },
        ],
      },
      'tool_calls',
    ),
  },
  length: {
    chunks: [
      chunk({ content: 'Once upon' }),
      chunk({ content: ' a time' }, 'length'),
      { ...header, choices: [], usage: USAGE },
    ],
    completion: completion({ content: 'Once upon a time' }, 'length'),
  },
  refusal: {
    chunks: [
      chunk({ role: 'assistant', content: 'I am afraid' }),
      chunk({ refusal: 'I cannot help with that.' }, 'stop'),
      { ...header, choices: [], usage: USAGE },
    ],
    completion: completion({ content: 'I am afraid', refusal: 'I cannot help with that.' }, 'stop'),
  },
  failed: {
    chunks: [chunk({ content: 'Half an ans' })],
    completion: completion({ content: 'Half an ans' }, 'stop'),
    failWith: new GatewayError('The upstream went away', { status: 502, type: 'api_error' }),
  },
};

/** The events for a script, as the gateway would produce them for one request. */
function streamEvents(script: Script, request: JsonObject): StreamEvent[] {
  const stream = responsesDialect.streamFromChat(request);
  const summary = emptySummary();
  const events: StreamEvent[] = [];
  for (const c of script.chunks) {
    observeChunk(c, summary);
    events.push(...stream.chunk(c));
  }
  events.push(...(script.failWith ? stream.fail(script.failWith, summary) : stream.end(summary)));
  return events;
}

const sse = (events: StreamEvent[]) =>
  events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join('');

describe('the openai SDK reads translated Responses answers', () => {
  let server: Server;
  let client: OpenAI;
  /** The events of the last stream served. */
  let served: StreamEvent[] = [];
  /** The last request as the gateway would send it to chat. */
  let sentToChat: JsonObject = {};

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (piece: Buffer) => {
        body += piece.toString();
      });
      req.on('end', () => {
        const request = JSON.parse(body) as JsonObject;
        const script = SCRIPTS[String((request.metadata as JsonObject | undefined)?.script)];
        if (req.url !== '/v1/responses' || script === undefined) {
          res.writeHead(404).end();
          return;
        }
        sentToChat = responsesDialect.toChat(request);
        if (request.stream === true) {
          served = streamEvents(script, request);
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(sse(served));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(responsesDialect.fromChat(script.completion, request)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-test-x', maxRetries: 0 });
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const params = (script: string) => ({
    model: 'my-model',
    input: 'Hi',
    metadata: { script },
    tools: [
      {
        type: 'function' as const,
        name: 'weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
        strict: false,
      },
      {
        type: 'custom' as const,
        name: 'calc',
        format: { type: 'grammar' as const, syntax: 'lark' as const, definition: 'start: "+" NUMBER' },
      },
      {
        type: 'namespace' as const,
        name: 'agents',
        description: 'Sub-agents.',
        tools: [{ type: 'function' as const, name: 'spawn' }],
      },
      // Hosted: left out of the chat request, echoed in the response.
      { type: 'web_search' as const },
    ],
  });

  /** What both answers must agree on (ids are made per answer). */
  const essentials = (response: OpenAI.Responses.Response) => ({
    status: response.status,
    output_text: response.output_text,
    incomplete_details: response.incomplete_details,
    usage: response.usage,
    model: response.model,
    items: response.output.map((item) => {
      if (item.type === 'function_call')
        return {
          type: item.type,
          status: item.status,
          call_id: item.call_id,
          name: item.name,
          namespace: item.namespace,
          arguments: item.arguments,
        };
      if (item.type === 'custom_tool_call')
        return {
          type: item.type,
          call_id: item.call_id,
          name: item.name,
          namespace: item.namespace,
          input: item.input,
        };
      // The stream helper adds `parsed` (for structured outputs) to text parts; the wire has none.
      if (item.type === 'message')
        return {
          type: item.type,
          status: item.status,
          content: item.content.map((part) => {
            const { parsed: _, ...wire } = part as typeof part & { parsed?: unknown };
            return wire;
          }),
        };
      if (item.type === 'reasoning') return { type: item.type, summary: item.summary };
      return { type: item.type };
    }),
  });

  for (const name of ['text', 'tools', 'custom', 'length', 'refusal']) {
    it(`accepts the ${name} stream: finalResponse agrees with the plain answer`, async () => {
      const plain = await client.responses.create(params(name));
      const stream = client.responses.stream(params(name));
      const deltas: string[] = [];
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      const final = await stream.finalResponse();
      assert.deepEqual(essentials(final), essentials(plain));
      assert.equal(deltas.join(''), plain.output_text);
      assert.equal(final.id, ((served[0] as StreamEvent).data as { response: { id: string } }).response.id);
    });
  }

  it('gives the plain answer output_text and the function calls', async () => {
    const text = await client.responses.create(params('text'));
    assert.equal(text.output_text, 'Hello, world.');
    assert.equal(text.object, 'response');
    assert.deepEqual(text.usage, {
      input_tokens: 21,
      input_tokens_details: { cached_tokens: 5 },
      output_tokens: 13,
      output_tokens_details: { reasoning_tokens: 4 },
      total_tokens: 34,
    });
    const tools = await client.responses.create(params('tools'));
    assert.deepEqual(
      tools.output.flatMap((item) => (item.type === 'function_call' ? [[item.call_id, item.arguments]] : [])),
      [
        ['call_p', '{"city":"Paris"}'],
        ['call_r', '{"city":"Rome"}'],
      ],
    );
  });

  it('gives the namespaced call its namespace and the custom call its input, streamed and plain', async () => {
    const expected = [
      {
        type: 'function_call',
        name: 'spawn',
        namespace: 'agents',
        call_id: 'call_s',
        arguments: '{"task":"lint"}',
      },
      { type: 'custom_tool_call', name: 'calc', namespace: undefined, call_id: 'call_c', input: '+ 42' },
    ];
    const calls = (response: OpenAI.Responses.Response) =>
      response.output.map((item) =>
        item.type === 'function_call'
          ? {
              type: item.type,
              name: item.name,
              namespace: item.namespace,
              call_id: item.call_id,
              arguments: item.arguments,
            }
          : item.type === 'custom_tool_call'
            ? {
                type: item.type,
                name: item.name,
                namespace: item.namespace,
                call_id: item.call_id,
                input: item.input,
              }
            : { type: item.type },
      );
    assert.deepEqual(calls(await client.responses.create(params('custom'))), expected);
    assert.deepEqual(
      (sentToChat.tools as JsonObject[]).map((tool) => (tool.function as JsonObject).name),
      ['weather', 'calc', 'agents__spawn'],
    );
    const stream = client.responses.stream(params('custom'));
    const inputs: Array<[string, string]> = [];
    stream.on('response.custom_tool_call_input.delta', (event) => inputs.push(['delta', event.delta]));
    stream.on('response.custom_tool_call_input.done', (event) => inputs.push(['done', event.input]));
    assert.deepEqual(calls(await stream.finalResponse()), expected);
    assert.deepEqual(inputs, [
      ['delta', '+ 42'],
      ['done', '+ 42'],
    ]);
  });

  it('iterates create({ stream: true }) events as served, in order', async () => {
    const stream = await client.responses.create({ ...params('tools'), stream: true });
    const seen: Array<[string, number]> = [];
    for await (const event of stream) seen.push([event.type, event.sequence_number]);
    assert.deepEqual(
      seen,
      served.map((e) => [e.event, (e.data as { sequence_number: number }).sequence_number]),
    );
    assert.equal(seen.at(-1)?.[0], 'response.completed');
    assert.ok(seen.some(([type]) => type === 'response.function_call_arguments.done'));
  });

  it('ends a failed stream with the failed response and its error', async () => {
    const stream = client.responses.stream(params('failed'));
    const final = await stream.finalResponse();
    assert.equal(final.status, 'failed');
    assert.deepEqual(final.error, { code: 'server_error', message: 'The upstream went away' });
    assert.equal(final.output_text, 'Half an ans');
  });
});
