import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureJson } from '../../../test/fixtures/anthropic/fixtures.ts';
import type { Deployment } from '../../config/types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { DEFAULT_MAX_TOKENS, messagesRequest, messagesUrl } from './request.ts';

const claude = (modelInfo: Record<string, unknown> = {}): Deployment => ({
  id: 'claude-id',
  modelName: 'claude',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5-20250929',
  litellmModel: 'anthropic/claude-sonnet-4-5-20250929',
  params: {},
  modelInfo,
});

const user = (content: unknown = 'hi') => [{ role: 'user', content }];
const translate = (body: JsonObject, modelInfo?: Record<string, unknown>, stream = false) =>
  messagesRequest({ model: 'claude-sonnet-4-5-20250929', ...body }, claude(modelInfo), stream);

/** Asserts a 400 that names the parameter the client has to fix. */
function refuses(body: JsonObject, param: string, message: RegExp) {
  assert.throws(
    () => translate(body),
    (err) =>
      err instanceof GatewayError && err.status === 400 && err.param === param && message.test(err.message),
  );
}

describe('anthropic request translation', () => {
  for (const name of ['text-cache', 'tool-use', 'image', 'prompt-cache'])
    it(`translates the ${name} fixture to the recorded Messages body`, () => {
      const openai = fixtureJson(`${name}.openai-request.json`);
      assert.deepEqual(translate(openai), fixtureJson(`${name}.anthropic-request.json`));
    });

  it('asks for a stream only when streaming', () => {
    assert.equal(translate({ messages: user() }, {}, true).stream, true);
    assert.equal(translate({ messages: user() }).stream, undefined);
  });

  it('takes max_tokens from the request, then model_info, then the documented default', () => {
    assert.equal(translate({ messages: user(), max_completion_tokens: 10, max_tokens: 20 }).max_tokens, 10);
    assert.equal(
      translate({ messages: user() }, { max_output_tokens: 8192, max_tokens: 1 }).max_tokens,
      8192,
    );
    assert.equal(translate({ messages: user() }, { max_tokens: 2048 }).max_tokens, 2048);
    assert.equal(
      translate({ messages: user() }, { max_output_tokens: 'lots' }).max_tokens,
      DEFAULT_MAX_TOKENS,
    );
    assert.equal(DEFAULT_MAX_TOKENS, 4096);
    refuses({ messages: user(), max_tokens: 0 }, 'max_tokens', /positive integer/);
    refuses({ messages: user(), max_completion_tokens: 'many' }, 'max_completion_tokens', /positive integer/);
  });

  it('maps every tool_choice form', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    const choice = (tool_choice: unknown, extra: JsonObject = {}) =>
      translate({ messages: user(), tools, tool_choice, ...extra }).tool_choice;
    assert.deepEqual(choice('auto'), { type: 'auto' });
    assert.deepEqual(choice('required'), { type: 'any' });
    assert.deepEqual(choice('none'), { type: 'none' });
    assert.deepEqual(choice({ type: 'function', function: { name: 'f' } }), { type: 'tool', name: 'f' });
    assert.deepEqual(choice(undefined, { parallel_tool_calls: false }), {
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    assert.deepEqual(choice('none', { parallel_tool_calls: false }), { type: 'none' });
    refuses({ messages: user(), tools, tool_choice: 'sometimes' }, 'tool_choice', /auto, required, none/);
  });

  it('sends a list of stop sequences as it is', () => {
    assert.deepEqual(translate({ messages: user(), stop: ['END', 'STOP'] }).stop_sequences, ['END', 'STOP']);
  });

  it('passes top_k on and leaves unset sampling knobs out', () => {
    const out = translate({ messages: user(), top_k: 40 });
    assert.equal(out.top_k, 40);
    assert.equal('temperature' in out, false);
  });

  it('refuses what Anthropic cannot do, naming the parameter', () => {
    refuses({ messages: user(), n: 2 }, 'n', /n must be 1/);
    refuses(
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{oops' } }],
          },
        ],
      },
      'messages',
      /messages\[0\]\.tool_calls\[0\]\.function\.arguments is not valid JSON/,
    );
    refuses({ messages: user([{ type: 'input_audio', input_audio: {} }]) }, 'messages', /input_audio/);
    refuses(
      { messages: user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }]) },
      'messages',
      /http\(s\)/,
    );
    refuses({ messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages', /role function/);
    refuses(
      {
        messages: [
          { role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
        ],
      },
      'messages',
      /system message can only hold text/,
    );
    refuses({ messages: user(), tools: [{ type: 'web_search' }] }, 'tools', /function tools/);
  });

  it('accepts n: 1 and a tool call without arguments', () => {
    const out = translate({
      n: 1,
      messages: [
        ...user(),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'now', arguments: '' } }],
        },
      ],
    });
    assert.deepEqual((out.messages as JsonObject[])[1], {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 't1', name: 'now', input: {} }],
    });
  });

  it('merges consecutive user turns, as Anthropic requires alternating roles', () => {
    const out = translate({ messages: [...user('one'), ...user('two')] });
    assert.deepEqual(out.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });

  it('builds the messages URL whether or not api_base ends in /v1', () => {
    assert.equal(messagesUrl('https://api.anthropic.com'), 'https://api.anthropic.com/v1/messages');
    assert.equal(messagesUrl('http://127.0.0.1:9/v1'), 'http://127.0.0.1:9/v1/messages');
  });
});
