/**
 * The first request the Codex CLI (v0.171) sent, exactly as it came (test/fixtures/openai), through the
 * translation to chat: it failed at once before (a `namespace` tool, a hosted `web_search` tool, two
 * developer messages).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureJson } from '../../../test/fixtures/openai/fixtures.ts';
import type { JsonObject } from '../../shared/json.ts';
import { toChat } from './request.ts';

const body = fixtureJson<{ body: JsonObject }>('codex-request-turn1.json').body;
const tools = body.tools as JsonObject[];
const input = body.input as JsonObject[];
const partText = (item: JsonObject | undefined, j: number): unknown => {
  const content = (item as JsonObject).content as JsonObject[];
  return (content[j] as JsonObject).text;
};

describe("Codex's first request → chat", () => {
  const chat = toChat(body);
  const messages = chat.messages as JsonObject[];
  const functions = (chat.tools as JsonObject[]).map((tool) => tool.function as JsonObject);

  it('joins the two developer messages into one system message, first, then the two user messages', () => {
    assert.deepEqual(
      messages.map((m) => m.role),
      ['system', 'user', 'user'],
    );
    // The second developer message has two parts: each one a block of the prompt.
    assert.equal(
      messages[0]?.content,
      [partText(input[0], 0), partText(input[1], 0), partText(input[1], 1)].join('\n\n'),
    );
    assert.equal(messages[1]?.content, partText(input[2], 0));
    assert.deepEqual(messages[2], { role: 'user', content: 'Run echo' });
  });

  it('keeps the function tools, flattens the namespace and leaves web_search out', () => {
    const namespace = tools.find((t) => t.type === 'namespace') as JsonObject;
    const inner = namespace.tools as JsonObject[];
    assert.deepEqual(
      functions.map((f) => f.name),
      [
        'exec_command',
        'write_stdin',
        'request_user_input',
        'view_image',
        'multi_agent_v1__close_agent',
        'multi_agent_v1__resume_agent',
        'multi_agent_v1__send_input',
        'multi_agent_v1__spawn_agent',
        'multi_agent_v1__wait_agent',
        'get_goal',
        'create_goal',
        'update_goal',
      ],
    );
    assert.ok(functions.every((f) => /^[a-zA-Z0-9_-]{1,64}$/.test(String(f.name))));
    for (const tool of chat.tools as JsonObject[]) assert.equal(tool.type, 'function');
    assert.equal(JSON.stringify(chat.tools).includes('web_search'), false);

    // A function tool as it came: parameters and strictness kept.
    const exec = tools[0] as JsonObject;
    assert.deepEqual(functions[0], {
      name: 'exec_command',
      description: exec.description,
      parameters: exec.parameters,
      strict: false,
    });
    // A namespaced one: its parameters, and the namespace's description after its own.
    const first = inner[0] as JsonObject;
    assert.deepEqual(functions[4], {
      name: `multi_agent_v1__${first.name}`,
      description: `${first.description}\n\nNamespace multi_agent_v1: ${namespace.description}`,
      parameters: first.parameters,
      strict: false,
    });
  });

  it('accepts include, reasoning.summary, store, client_metadata and prompt_cache_key, and sends none', () => {
    assert.deepEqual(Object.keys(chat).sort(), [
      'messages',
      'model',
      'parallel_tool_calls',
      'stream',
      'stream_options',
      'tool_choice',
      'tools',
    ]);
    assert.equal(chat.model, 'scripted-1');
    assert.equal(chat.tool_choice, 'auto');
    assert.equal(chat.parallel_tool_calls, true);
    assert.deepEqual(chat.stream_options, { include_usage: true });
  });
});
