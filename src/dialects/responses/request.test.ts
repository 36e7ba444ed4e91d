import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { toChat } from './request.ts';

const chat = (body: JsonObject) => toChat({ model: 'm', ...body });
const messages = (input: unknown, extra: JsonObject = {}) => chat({ input, ...extra }).messages;

/** Asserts a 400 naming `param`. */
function refuses(body: JsonObject, param: string, message?: RegExp): void {
  assert.throws(
    () => toChat({ model: 'm', ...body }),
    (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

describe('responses request → chat', () => {
  it('turns instructions and a string input into a system and a user message', () => {
    assert.deepEqual(toChat({ model: 'gpt-x', instructions: 'Be brief.', input: 'Hi' }), {
      model: 'gpt-x',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('maps messages of every role, system and developer joined into one system message, first', () => {
    assert.deepEqual(
      messages([
        { role: 'developer', content: 'Rules.' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'More rules.' }] },
        { role: 'user', content: [{ type: 'input_text', text: 'Q' }] },
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'A', annotations: [] }],
        },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] },
      ]),
      [
        { role: 'system', content: 'Rules.\n\nMore rules.' },
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'A' },
        { role: 'assistant', content: 'I cannot.' },
      ],
    );
  });

  it('keeps several parts as chat parts: text, images with their detail, inline files', () => {
    assert.deepEqual(
      messages([
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look:' },
            { type: 'input_image', image_url: 'https://x/a.png', detail: 'low' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'original' },
            { type: 'input_image', image_url: 'https://x/b.png' },
            { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBF' },
          ],
        },
      ]),
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image_url', image_url: { url: 'https://x/a.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'https://x/b.png' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBF' } },
          ],
        },
      ],
    );
  });

  it('merges consecutive function calls, and the assistant message before them, into one message', () => {
    assert.deepEqual(
      messages([
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Two lookups.' }] },
        { role: 'assistant', content: 'Checking.' },
        { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'c2', name: 'weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'c1', output: '18C' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: '24C' }] },
        { type: 'function_call', call_id: 'c3', name: 'clock', arguments: '{}' },
        {
          type: 'function_call_output',
          call_id: 'c3',
          output: [
            { type: 'input_text', text: 'noon' },
            { type: 'output_text', text: ' UTC' },
          ],
        },
      ]),
      [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '18C' },
        { role: 'tool', tool_call_id: 'c2', content: '24C' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c3', type: 'function', function: { name: 'clock', arguments: '{}' } }],
        },
        // Chat's tool messages hold text: the parts, as blocks, one per line.
        { role: 'tool', tool_call_id: 'c3', content: 'noon\n UTC' },
      ],
    );
  });

  it('drops reasoning items: chat has no standard place for them', () => {
    assert.deepEqual(
      messages([
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { role: 'user', content: 'Hi' },
      ]),
      [{ role: 'user', content: 'Hi' }],
    );
  });

  it('maps text.format to response_format and text.verbosity to verbosity', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
    assert.deepEqual(
      chat({
        input: 'x',
        text: {
          format: { type: 'json_schema', name: 'answer', schema, strict: true, description: 'An answer' },
          verbosity: 'low',
        },
      }),
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        verbosity: 'low',
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'answer', schema, strict: true, description: 'An answer' },
        },
      },
    );
    assert.deepEqual(chat({ input: 'x', text: { format: { type: 'json_object' } } }).response_format, {
      type: 'json_object',
    });
    assert.equal('response_format' in chat({ input: 'x', text: { format: { type: 'text' } } }), false);
    refuses({ input: 'x', text: { format: { type: 'json_schema', schema } } }, 'text.format.name');
    refuses({ input: 'x', text: { format: { type: 'json_schema', name: 'a' } } }, 'text.format.schema');
    refuses({ input: 'x', text: { format: { type: 'grammar' } } }, 'text.format.type');
    refuses({ input: 'x', text: 'json' }, 'text');
  });

  it('maps reasoning.effort, and ignores reasoning.summary', () => {
    const body = chat({ input: 'x', reasoning: { effort: 'high', summary: 'auto' } });
    assert.equal(body.reasoning_effort, 'high');
    assert.equal('reasoning' in body, false);
    refuses({ input: 'x', reasoning: 'high' }, 'reasoning');
  });

  it('copies sampling and limits, and leaves out what only the Responses API means', () => {
    assert.deepEqual(
      toChat({
        model: 'gpt-x',
        input: 'x',
        max_output_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        parallel_tool_calls: false,
        top_logprobs: 3,
        service_tier: 'flex',
        safety_identifier: 'user-7',
        metadata: { a: '1' },
        store: false,
        previous_response_id: 'resp_1',
        include: ['reasoning.encrypted_content'],
        truncation: 'auto',
        background: false,
        prompt_cache_key: 'k',
        mock_response: 'Hello',
        stream: true,
      }),
      {
        model: 'gpt-x',
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        parallel_tool_calls: false,
        service_tier: 'flex',
        logprobs: true,
        top_logprobs: 3,
        user: 'user-7',
        mock_response: 'Hello',
        stream: true,
        stream_options: { include_usage: true },
      },
    );
    assert.equal(chat({ input: 'x', user: 'u', safety_identifier: 's' }).user, 'u');
    assert.equal('stream' in chat({ input: 'x', stream: false }), false);
  });

  it('refuses what needs state kept at OpenAI', () => {
    refuses({ input: 'x', background: true }, 'background');
    refuses({ input: 'x', prompt: { id: 'pmpt_1' } }, 'prompt');
    refuses({ input: 'x', conversation: 'conv_1' }, 'conversation');
    refuses({ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', /item references/);
    refuses({ input: [{ role: 'user', content: 'a' }, { id: 'msg_1' }] }, 'input[1].type', /item references/);
    refuses(
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] }] },
      'input[0].content[0].file_id',
    );
    refuses(
      { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] },
      'input[0].content[0].file_id',
    );
    refuses(
      { input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://x/a.pdf' }] }] },
      'input[0].content[0].file_url',
    );
  });

  it('refuses item types that run at OpenAI, naming input[i].type', () => {
    for (const type of [
      'computer_call',
      'mcp_call',
      'mcp_list_tools',
      'file_search_call',
      'image_generation_call',
      'made_up_call',
    ])
      refuses(
        {
          input: [
            { role: 'user', content: 'a' },
            { role: 'user', content: 'b' },
            { type, id: 'x_1' },
          ],
        },
        'input[2].type',
        new RegExp(type),
      );
  });

  it('refuses bad shapes with the exact parameter', () => {
    refuses({ model: undefined, input: 'x' }, 'model');
    refuses({ model: 7, input: 'x' }, 'model');
    refuses({}, 'input');
    refuses({ input: 42 }, 'input');
    refuses({ input: { role: 'user' } }, 'input');
    refuses({ input: ['hi'] }, 'input[0]');
    refuses({ input: [{ content: 'no role or type' }] }, 'input[0].type');
    refuses({ input: [{ type: 7 }] }, 'input[0].type');
    refuses({ input: [{ role: 'tool', content: 'x' }] }, 'input[0].role');
    refuses({ input: [{ role: 'user', content: 5 }] }, 'input[0].content');
    refuses({ input: [{ role: 'user', content: [null] }] }, 'input[0].content[0]');
    refuses(
      {
        input: [
          { role: 'user', content: 'a' },
          { role: 'user', content: [{ type: 'input_text', text: 'a' }, { type: 'input_audio' }] },
        ],
      },
      'input[1].content[1].type',
    );
    refuses(
      { input: [{ role: 'user', content: [{ type: 'input_text', text: 3 }] }] },
      'input[0].content[0].text',
    );
    refuses(
      { input: [{ role: 'user', content: [{ type: 'input_image', detail: 'auto' }] }] },
      'input[0].content[0].image_url',
    );
    refuses(
      {
        input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x', detail: 'max' }] }],
      },
      'input[0].content[0].detail',
    );
    refuses(
      { input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x' }] }] },
      'input[0].content[0].type',
    );
    refuses({ input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id');
    refuses(
      { input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: {} }] },
      'input[0].arguments',
    );
    refuses({ input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id');
    refuses(
      {
        input: [
          {
            type: 'function_call_output',
            call_id: 'c',
            output: [{ type: 'input_image', file_id: 'file-1' }],
          },
        ],
      },
      'input[0].output[0].file_id',
    );
    refuses(
      { input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_audio' }] }] },
      'input[0].output[0].type',
    );
    refuses({ input: 'x', max_output_tokens: 0 }, 'max_output_tokens');
    refuses({ input: 'x', max_output_tokens: '5' }, 'max_output_tokens');
    refuses({ input: 'x', temperature: 'hot' }, 'temperature');
    refuses({ input: 'x', stream: 'yes' }, 'stream');
    refuses({ input: 'x', instructions: ['a'] }, 'instructions');
  });

  it('ignores a previous_response_id still present: the gateway expands it before', () => {
    assert.deepEqual(chat({ input: 'x', previous_response_id: 'resp_1' }), {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
  });
});
