/** The input items of an agent's later turns (Codex, the Agents SDK), as chat messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { toChat } from './request.ts';

const TOOLS = [
  { type: 'function', name: 'exec_command' },
  {
    type: 'custom',
    name: 'apply_patch',
    format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' },
  },
  {
    type: 'namespace',
    name: 'multi_agent_v1',
    description: 'Sub-agents.',
    tools: [
      { type: 'function', name: 'spawn_agent' },
      { type: 'custom', name: 'script' },
    ],
  },
];
const messages = (input: unknown[], extra: JsonObject = {}) =>
  toChat({ model: 'm', tools: TOOLS, input, ...extra }).messages as JsonObject[];
const call = (id: string, name: string, args: string) => ({
  id,
  type: 'function',
  function: { name, arguments: args },
});

function refuses(input: unknown[], param: string, message?: RegExp): void {
  assert.throws(
    () => toChat({ model: 'm', tools: TOOLS, input }),
    (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 400);
      assert.equal(error.param, param);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

describe('responses input items of later turns → chat', () => {
  it("translates Codex's second turn: reasoning dropped, namespaced and custom calls by their chat names", () => {
    assert.deepEqual(
      messages(
        [
          { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Be careful.' }] },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Run echo' }] },
          { type: 'reasoning', id: 'rs_1', summary: [], content: null, encrypted_content: 'gAAAA…' },
          {
            type: 'message',
            role: 'assistant',
            phase: 'commentary',
            content: [{ type: 'output_text', text: 'Running it.' }],
          },
          { type: 'function_call', name: 'exec_command', arguments: '{"cmd":"echo hi"}', call_id: 'c1' },
          {
            type: 'function_call',
            namespace: 'multi_agent_v1',
            name: 'spawn_agent',
            arguments: '{"task":"t"}',
            call_id: 'c2',
          },
          { type: 'custom_tool_call', call_id: 'c3', name: 'apply_patch', input: '*** Begin Patch\n"x"' },
          {
            type: 'custom_tool_call',
            id: 'ctc_1',
            status: 'completed',
            call_id: 'c4',
            namespace: 'multi_agent_v1',
            name: 'script',
            input: 'ls',
          },
          { type: 'function_call_output', call_id: 'c1', output: 'hi\n' },
          { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'agent-7' }] },
          { type: 'custom_tool_call_output', call_id: 'c3', output: 'Done!' },
          { type: 'custom_tool_call_output', call_id: 'c4', output: [{ type: 'input_text', text: 'a b' }] },
          {
            type: 'web_search_call',
            id: 'ws_1',
            status: 'completed',
            action: { type: 'search', query: 'q' },
          },
          { type: 'compaction', id: 'cmp_1', encrypted_content: 'gAAAA…' },
          { type: 'message', role: 'developer', content: 'Mid-conversation rule.' },
          { type: 'message', role: 'user', content: 'Thanks' },
        ],
        { instructions: 'Top rule.' },
      ),
      [
        { role: 'system', content: 'Top rule.\n\nBe careful.\n\nMid-conversation rule.' },
        { role: 'user', content: 'Run echo' },
        {
          role: 'assistant',
          content: 'Running it.',
          tool_calls: [
            call('c1', 'exec_command', '{"cmd":"echo hi"}'),
            call('c2', 'multi_agent_v1__spawn_agent', '{"task":"t"}'),
            call('c3', 'apply_patch', JSON.stringify({ input: '*** Begin Patch\n"x"' })),
            call('c4', 'multi_agent_v1__script', '{"input":"ls"}'),
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'hi\n' },
        { role: 'tool', tool_call_id: 'c2', content: 'agent-7' },
        { role: 'tool', tool_call_id: 'c3', content: 'Done!' },
        { role: 'tool', tool_call_id: 'c4', content: 'a b' },
        { role: 'user', content: 'Thanks' },
      ],
    );
  });

  it('joins a namespace that is no longer offered the same way', () => {
    assert.deepEqual(
      messages([{ type: 'function_call', namespace: 'old', name: 'f', arguments: '{}', call_id: 'c' }])[0],
      { role: 'assistant', content: null, tool_calls: [call('c', 'old__f', '{}')] },
    );
  });

  it('puts the images and files a tool returned in a user message after the tool messages', () => {
    const image = { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' };
    const file = { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' };
    const chatImage = { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } };
    const chatFile = {
      type: 'file',
      file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
    };
    const calls = [
      { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'c1' },
      { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'c2' },
      { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'Shot:' }, image] },
      { type: 'function_call_output', call_id: 'c2', output: [file] },
    ];
    const assistant = {
      role: 'assistant',
      content: null,
      tool_calls: [call('c1', 'exec_command', '{}'), call('c2', 'exec_command', '{}')],
    };
    const outputs = [
      { role: 'tool', tool_call_id: 'c1', content: 'Shot:' },
      { role: 'tool', tool_call_id: 'c2', content: '' },
    ];
    // Ahead of what the user wrote next…
    assert.deepEqual(messages([...calls, { role: 'user', content: 'Look.' }]), [
      assistant,
      ...outputs,
      { role: 'user', content: [chatImage, chatFile, { type: 'text', text: 'Look.' }] },
    ]);
    // …or on their own, before the next assistant turn, or at the end.
    assert.deepEqual(messages([...calls, { role: 'assistant', content: 'Seen.' }]), [
      assistant,
      ...outputs,
      { role: 'user', content: [chatImage, chatFile] },
      { role: 'assistant', content: 'Seen.' },
    ]);
    assert.deepEqual(messages(calls), [
      assistant,
      ...outputs,
      { role: 'user', content: [chatImage, chatFile] },
    ]);
  });

  it("keeps the history of OpenAI's shell and patch tools as calls and tool messages", () => {
    const action = { type: 'exec', command: ['ls'], env: {}, timeout_ms: 1000 };
    assert.deepEqual(
      messages([
        { type: 'local_shell_call', id: 'lsh_1', call_id: 'c1', status: 'completed', action },
        { type: 'shell_call', id: 'sh_1', call_id: 'c2', action: { commands: ['pwd'] }, status: 'completed' },
        {
          type: 'apply_patch_call',
          call_id: 'c3',
          status: 'completed',
          operation: { type: 'update_file', path: 'a.ts', diff: '@@' },
        },
        { type: 'local_shell_call_output', id: 'c1', output: '{"stdout":"a.ts"}' },
        {
          type: 'shell_call_output',
          call_id: 'c2',
          output: [{ stdout: '/w', stderr: '', outcome: { type: 'exit', exit_code: 0 } }],
        },
        { type: 'apply_patch_call_output', call_id: 'c3', status: 'failed', output: 'no such file' },
      ]),
      [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            call('c1', 'local_shell', JSON.stringify({ action })),
            call('c2', 'shell', '{"action":{"commands":["pwd"]}}'),
            call('c3', 'apply_patch', '{"operation":{"type":"update_file","path":"a.ts","diff":"@@"}}'),
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '{"stdout":"a.ts"}' },
        {
          role: 'tool',
          tool_call_id: 'c2',
          content: '[{"stdout":"/w","stderr":"","outcome":{"type":"exit","exit_code":0}}]',
        },
        { role: 'tool', tool_call_id: 'c3', content: '{"status":"failed","output":"no such file"}' },
      ],
    );
  });

  it('refuses unknown items, item references and malformed calls, naming the parameter', () => {
    refuses([{ type: 'made_up_call', id: 'x' }], 'input[0].type', /made_up_call/);
    refuses([{ type: 'item_reference', id: 'msg_1' }], 'input[0].type', /item references/);
    refuses([{ type: 'custom_tool_call', call_id: 'c', name: 'n' }], 'input[0].input');
    refuses(
      [{ type: 'custom_tool_call', call_id: 'c', name: 'n', input: 'i', namespace: 3 }],
      'input[0].namespace',
    );
    refuses(
      [{ type: 'function_call', call_id: 'c', name: 'n', arguments: '{}', namespace: [] }],
      'input[0].namespace',
    );
    refuses([{ type: 'custom_tool_call_output', output: 'x' }], 'input[0].call_id');
    refuses([{ type: 'custom_tool_call_output', call_id: 'c', output: 5 }], 'input[0].output');
    refuses([{ type: 'shell_call', action: {} }], 'input[0].call_id');
    refuses([{ type: 'shell_call_output', call_id: 'c', output: 'x' }], 'input[0].output');
    refuses([{ type: 'local_shell_call_output', id: 'c' }], 'input[0].output');
    refuses(
      [{ type: 'apply_patch_call_output', call_id: 'c', status: 'completed', output: 1 }],
      'input[0].output',
    );
    refuses(
      [{ role: 'developer', content: [{ type: 'input_image', image_url: 'https://x' }] }],
      'input[0].content[0].type',
    );
  });
});
