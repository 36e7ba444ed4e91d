import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { toChat } from './request.ts';

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
const user = (content: unknown) => ({ ...base, messages: [{ role: 'user', content }] });

/** Asserts toChat refuses the body with a 400 naming `param`. */
function refuses(body: JsonObject, param: string, message?: RegExp): void {
  assert.throws(
    () => toChat(body),
    (error: unknown) => {
      assert.ok(error instanceof GatewayError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

describe('messages dialect: request translation', () => {
  it('translates a whole tool-using conversation in order, every block type included', () => {
    const chat = toChat({
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      system: [
        { type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            {
              type: 'document',
              title: 'report.pdf',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQ=' },
            },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain notes.' } },
            {
              type: 'document',
              source: { type: 'content', content: [{ type: 'text', text: 'Chunk one.' }] },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two lookups needed.', signature: 'EqQBCgIYAhIM' },
            { type: 'redacted_thinking', data: 'EmwKAhgBEgy3' },
            { type: 'text', text: 'Looking both up.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Also, be quick.' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: true,
              content: [
                { type: 'text', text: 'clock unavailable' },
                { type: 'text', text: 'retry later' },
                { type: 'image', source: { type: 'url', url: 'https://example.com/clock.png' } },
              ],
            },
          ],
        },
        { role: 'assistant', content: 'Il fait 18°C.' },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          cache_control: { type: 'ephemeral' },
        },
        { type: 'custom', name: 'get_time', input_schema: { type: 'object', properties: {} }, strict: true },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-42' },
      thinking: { type: 'enabled', budget_tokens: 10000 },
      stream: true,
      mock_response: 'canned',
      service_tier: 'auto',
      container: 'container_1',
      context_management: { edits: [] },
      mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }],
    });
    assert.deepEqual(chat, {
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'You are terse.\n\nAnswer in French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            {
              type: 'file',
              file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQ=' },
            },
            {
              type: 'file',
              file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBE' },
            },
            { type: 'text', text: 'Plain notes.' },
            { type: 'text', text: 'Chunk one.' },
          ],
        },
        {
          role: 'assistant',
          content: 'Looking both up.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
          reasoning_content: 'Two lookups needed.',
        },
        // The results come right after the calls, the user's text (and the tool's image) after them.
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'clock unavailable\nretry later' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://example.com/clock.png' } },
            { type: 'text', text: 'Also, be quick.' },
          ],
        },
        { role: 'assistant', content: 'Il fait 18°C.' },
      ],
      max_tokens: 2048,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop: ['END'],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
        {
          type: 'function',
          function: { name: 'get_time', parameters: { type: 'object', properties: {} }, strict: true },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      user: 'user-42',
      reasoning_effort: 'medium',
      stream: true,
      stream_options: { include_usage: true },
      mock_response: 'canned',
    });
  });

  it('keeps a plain request plain: string system, string content, nothing it was not asked for', () => {
    assert.deepEqual(toChat({ ...base, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] }), {
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 1024,
    });
    // One text block goes as a string; stream: false adds nothing.
    assert.deepEqual(toChat({ ...user([{ type: 'text', text: 'Hi' }]), system: [], stream: false }), {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 1024,
    });
  });

  it('sends a user turn of tool results alone as tool messages only', () => {
    const chat = toChat({
      ...base,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'w', input: { c: 1 } }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'sunny' }] }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't9' }] },
      ],
    });
    assert.deepEqual(chat.messages, [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'w', arguments: '{"c":1}' } }],
      },
      { role: 'tool', tool_call_id: 't1', content: 'sunny' },
      { role: 'tool', tool_call_id: 't9', content: '' },
    ]);
  });

  it('keeps thinking-only assistant turns, and drops empty ones and redacted thinking', () => {
    const chat = toChat({
      ...base,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hmm.', signature: 's' }] },
        { role: 'user', content: 'Go on' },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'x' }] },
        { role: 'assistant', content: [] },
      ],
    });
    assert.deepEqual(chat.messages, [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '', reasoning_content: 'Hmm.' },
      { role: 'user', content: 'Go on' },
    ]);
  });

  it('maps every tool_choice, and leaves it out without tools', () => {
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const choice = (tool_choice: unknown) => {
      const chat = toChat({ ...user('Hi'), tools, tool_choice });
      return { tool_choice: chat.tool_choice, parallel: chat.parallel_tool_calls };
    };
    assert.deepEqual(choice({ type: 'auto' }), { tool_choice: 'auto', parallel: undefined });
    assert.deepEqual(choice({ type: 'any' }), { tool_choice: 'required', parallel: undefined });
    assert.deepEqual(choice({ type: 'none' }), { tool_choice: 'none', parallel: undefined });
    assert.deepEqual(choice({ type: 'tool', name: 'f', disable_parallel_tool_use: true }), {
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel: false,
    });
    assert.deepEqual(choice({ type: 'auto', disable_parallel_tool_use: false }), {
      tool_choice: 'auto',
      parallel: undefined,
    });
    const noTools = toChat({ ...user('Hi'), tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
    assert.equal('tool_choice' in noTools || 'parallel_tool_calls' in noTools || 'tools' in noTools, false);
  });

  it('turns a thinking budget into a reasoning effort at 4,096 and 16,384 tokens', () => {
    const effort = (thinking: unknown) => toChat({ ...user('Hi'), thinking }).reasoning_effort;
    assert.equal(effort({ type: 'enabled', budget_tokens: 1024 }), 'low');
    assert.equal(effort({ type: 'enabled', budget_tokens: 4095 }), 'low');
    assert.equal(effort({ type: 'enabled', budget_tokens: 4096 }), 'medium');
    assert.equal(effort({ type: 'enabled', budget_tokens: 16383 }), 'medium');
    assert.equal(effort({ type: 'enabled', budget_tokens: 31999 }), 'high');
    assert.equal(effort({ type: 'disabled' }), undefined);
    assert.equal(effort({ type: 'adaptive' }), undefined);
    // output_config.effort says it directly and wins.
    const both = {
      ...user('Hi'),
      thinking: { type: 'enabled', budget_tokens: 1024 },
      output_config: { effort: 'max' },
    };
    assert.equal(toChat(both).reasoning_effort, 'high');
  });

  it('asks a JSON schema answer for output_config.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const chat = toChat({ ...user('Hi'), output_config: { format: { type: 'json_schema', schema } } });
    assert.deepEqual(chat.response_format, { type: 'json_schema', json_schema: { name: 'output', schema } });
  });

  it('refuses server tools, naming the tool and the model', () => {
    const tools = [
      { name: 'f', input_schema: { type: 'object' } },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
    ];
    refuses({ ...user('Hi'), model: 'gpt-4o', tools }, 'tools[1].type', /web_search_20250305.*gpt-4o/);
    refuses({ ...user('Hi'), tools: [{ type: 'bash_20250124', name: 'bash' }] }, 'tools[0].type');
    refuses({ ...user('Hi'), tools: [{ type: 'text_editor_20250728', name: 'e' }] }, 'tools[0].type');
  });

  it('refuses what chat cannot carry: PDFs by URL, Files API sources, server tool blocks', () => {
    const doc = { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } };
    refuses(user([doc]), 'messages[0].content[0].source.type', /base64/);
    const file = { type: 'image', source: { type: 'file', file_id: 'file_1' } };
    refuses(user([{ type: 'text', text: 'x' }, file]), 'messages[0].content[1].source.type');
    refuses(
      {
        ...base,
        messages: [
          { role: 'user', content: 'Hi' },
          {
            role: 'assistant',
            content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }],
          },
        ],
      },
      'messages[1].content[0].type',
    );
    refuses(
      user([{ type: 'search_result', source: 's', title: 't', content: [] }]),
      'messages[0].content[0].type',
    );
  });

  it('refuses blocks in the wrong turn', () => {
    refuses(user([{ type: 'tool_use', id: 't', name: 'f', input: {} }]), 'messages[0].content[0].type');
    refuses(user([{ type: 'thinking', thinking: 'x', signature: '' }]), 'messages[0].content[0].type');
    refuses(
      { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] },
      'messages[0].content[0].type',
    );
    refuses(
      {
        ...base,
        messages: [{ role: 'assistant', content: [{ type: 'image', source: { type: 'url', url: 'u' } }] }],
      },
      'messages[0].content[0].type',
    );
  });

  it('refuses malformed input with a 400 naming the parameter', () => {
    const cases: Array<[JsonObject, string]> = [
      [{ max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, 'model'],
      [{ ...user('x'), model: 42 }, 'model'],
      [{ model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
      [{ ...user('x'), max_tokens: 0 }, 'max_tokens'],
      [{ ...user('x'), max_tokens: 1.5 }, 'max_tokens'],
      [{ ...user('x'), max_tokens: '100' }, 'max_tokens'],
      [{ ...base }, 'messages'],
      [{ ...base, messages: [] }, 'messages'],
      [{ ...base, messages: {} }, 'messages'],
      [{ ...base, messages: ['hi'] }, 'messages[0]'],
      [{ ...base, messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
      [{ ...base, messages: [{ role: 'system', content: 5 }] }, 'messages[0].content'],
      [{ ...base, messages: [{ role: 'user' }] }, 'messages[0].content'],
      [{ ...base, messages: [{ role: 'user', content: 7 }] }, 'messages[0].content'],
      [{ ...base, messages: [{ role: 'user', content: [] }] }, 'messages[0].content'],
      [user(['text']), 'messages[0].content[0]'],
      [user([{ text: 'x' }]), 'messages[0].content[0].type'],
      [user([{ type: 7 }]), 'messages[0].content[0].type'],
      [user([{ type: 'text' }]), 'messages[0].content[0].text'],
      [user([{ type: 'image' }]), 'messages[0].content[0].source'],
      [
        user([{ type: 'image', source: { type: 'base64', data: 'x' } }]),
        'messages[0].content[0].source.media_type',
      ],
      [user([{ type: 'tool_result', content: 'x' }]), 'messages[0].content[0].tool_use_id'],
      [user([{ type: 'tool_result', tool_use_id: 't', content: 5 }]), 'messages[0].content[0].content'],
      [
        user([{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'tool_use' }] }]),
        'messages[0].content[0].content[0].type',
      ],
      [
        { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'f', input: {} }] }] },
        'messages[0].content[0].id',
      ],
      [
        { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', input: {} }] }] },
        'messages[0].content[0].name',
      ],
      [
        {
          ...base,
          messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: [] }] }],
        },
        'messages[0].content[0].input',
      ],
      [{ ...user('x'), system: 5 }, 'system'],
      [{ ...user('x'), system: [{ type: 'image' }] }, 'system[0].type'],
      [{ ...user('x'), system: [{ type: 'text', text: null }] }, 'system[0].text'],
      [{ ...user('x'), tools: {} }, 'tools'],
      [{ ...user('x'), tools: [null] }, 'tools[0]'],
      [{ ...user('x'), tools: [{ input_schema: {} }] }, 'tools[0].name'],
      [{ ...user('x'), tools: [{ name: 'f' }] }, 'tools[0].input_schema'],
      [{ ...user('x'), tool_choice: 'auto' }, 'tool_choice'],
      [{ ...user('x'), tool_choice: { type: 'required' } }, 'tool_choice.type'],
      [{ ...user('x'), tool_choice: { type: 'tool' } }, 'tool_choice.name'],
      [{ ...user('x'), stop_sequences: 'END' }, 'stop_sequences'],
      [{ ...user('x'), stop_sequences: [1] }, 'stop_sequences'],
      [{ ...user('x'), temperature: '0.5' }, 'temperature'],
      [{ ...user('x'), top_k: Number.NaN }, 'top_k'],
      [{ ...user('x'), metadata: 'u' }, 'metadata'],
      [{ ...user('x'), metadata: { user_id: 5 } }, 'metadata.user_id'],
      [{ ...user('x'), thinking: true }, 'thinking'],
      [{ ...user('x'), thinking: { type: 'enabled' } }, 'thinking.budget_tokens'],
      [{ ...user('x'), output_config: { effort: 'extreme' } }, 'output_config.effort'],
      [{ ...user('x'), output_config: { format: { type: 'json_schema' } } }, 'output_config.format'],
      [{ ...user('x'), stream: 'yes' }, 'stream'],
    ];
    for (const [body, param] of cases) refuses(body, param);
  });

  it('joins system messages in the conversation (Claude Code sends them) to the system prompt', () => {
    const chat = toChat({
      model: 'm',
      max_tokens: 10,
      system: 'First.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'system', content: [{ type: 'text', text: 'Agents: Explore.' }] },
        { role: 'assistant', content: 'Hello' },
      ],
    });
    assert.deepEqual(chat.messages, [
      { role: 'system', content: 'First.\n\nAgents: Explore.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
    ]);
  });
});
