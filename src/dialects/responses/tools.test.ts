import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { toChat } from './request.ts';
import { ToolNames } from './tool-names.ts';

const chat = (body: JsonObject) => toChat({ model: 'm', ...body });
const chatTools = (tools: unknown[], extra: JsonObject = {}) =>
  toChat({ model: 'm', input: 'x', tools, ...extra }).tools as JsonObject[];

function refuses(body: JsonObject, param: string, message?: RegExp): void {
  assert.throws(
    () => toChat({ model: 'm', input: 'x', ...body }),
    (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 400);
      assert.equal(error.param, param);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

const INPUT_PARAMETERS = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The input for the tool, as plain text.' } },
  required: ['input'],
  additionalProperties: false,
};

const LARK = 'start: "+" NUMBER\n%import common.NUMBER';

describe('responses tools → chat functions', () => {
  it('translates function tools; hosted ones and unknown types are left out', () => {
    const body = chat({
      input: 'x',
      tools: [
        {
          type: 'function',
          name: 'weather',
          description: 'Weather now',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: true,
        },
        { type: 'web_search', external_web_access: true },
        { type: 'function', name: 'clock', parameters: null, strict: null },
        { type: 'made_up_tool' },
      ],
    });
    assert.deepEqual(body.tools, [
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Weather now',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: true,
        },
      },
      { type: 'function', function: { name: 'clock' } },
    ]);
    assert.equal(chat({ input: 'x', tools: [] }).tools, undefined);
    for (const type of [
      'web_search',
      'web_search_preview',
      'file_search',
      'computer_use_preview',
      'computer',
      'mcp',
      'code_interpreter',
      'image_generation',
      'local_shell',
      'shell',
      'apply_patch',
      'tool_search',
    ]) {
      const only = chat({ input: 'x', tools: [{ type }], tool_choice: 'auto' });
      assert.equal('tools' in only, false, type);
      // Chat upstreams refuse a tool_choice without tools.
      assert.equal('tool_choice' in only, false, type);
    }
    refuses({ input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name');
    refuses({ input: 'x', tools: [{ name: 'f' }] }, 'tools[0].type');
    refuses({ input: 'x', tools: ['web_search'] }, 'tools[0]');
    refuses({ input: 'x', tools: { type: 'function' } }, 'tools');
  });

  it('maps tool_choice: the three words as they are, a function by name, no hosted tool', () => {
    const tools = [{ type: 'function', name: 'weather' }, { type: 'web_search' }];
    for (const word of ['auto', 'none', 'required'])
      assert.equal(chat({ input: 'x', tools, tool_choice: word }).tool_choice, word);
    assert.deepEqual(
      chat({ input: 'x', tools, tool_choice: { type: 'function', name: 'weather' } }).tool_choice,
      {
        type: 'function',
        function: { name: 'weather' },
      },
    );
    for (const type of ['web_search', 'web_search_preview', 'file_search', 'image_generation', 'mcp'])
      refuses({ input: 'x', tools, tool_choice: { type } }, 'tool_choice', new RegExp(type));
    refuses({ input: 'x', tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } }, 'tool_choice');
    refuses({ input: 'x', tools, tool_choice: 'always' }, 'tool_choice');
    refuses({ input: 'x', tools, tool_choice: { type: 'function' } }, 'tool_choice.name');
    // Only hosted tools: nothing the model has could be required.
    refuses({ input: 'x', tools: [{ type: 'web_search' }], tool_choice: 'required' }, 'tool_choice');
  });

  it('flattens a namespace into functions named <namespace>__<name>, custom tools in it too', () => {
    assert.deepEqual(
      chatTools([
        {
          type: 'namespace',
          name: 'crm',
          description: 'Customer records.',
          tools: [
            {
              type: 'function',
              name: 'find',
              description: 'Find a customer.',
              parameters: { type: 'object', properties: { q: { type: 'string' } } },
              strict: true,
              defer_loading: true,
            },
            { type: 'custom', name: 'query', format: { type: 'text' } },
            { type: 'made_up', name: 'skipped' },
          ],
        },
        { type: 'namespace', name: 'empty', description: '', tools: [] },
      ]),
      [
        {
          type: 'function',
          function: {
            name: 'crm__find',
            description: 'Find a customer.\n\nNamespace crm: Customer records.',
            parameters: { type: 'object', properties: { q: { type: 'string' } } },
            strict: true,
          },
        },
        {
          type: 'function',
          function: {
            name: 'crm__query',
            description: 'Namespace crm: Customer records.',
            parameters: INPUT_PARAMETERS,
          },
        },
      ],
    );
  });

  it('offers a custom tool as a function of one string, with its grammar in the description', () => {
    assert.deepEqual(
      chatTools([
        { type: 'custom', name: 'note', description: 'Write a note.' },
        {
          type: 'custom',
          name: 'calc',
          description: 'Add a number.',
          format: { type: 'grammar', syntax: 'lark', definition: LARK },
        },
        { type: 'custom', name: 'digits', format: { type: 'grammar', syntax: 'regex', definition: '\\d+' } },
      ]),
      [
        {
          type: 'function',
          function: { name: 'note', description: 'Write a note.', parameters: INPUT_PARAMETERS },
        },
        {
          type: 'function',
          function: {
            name: 'calc',
            description: `Add a number.\n\nThe input must follow this lark grammar:\n${LARK}`,
            parameters: INPUT_PARAMETERS,
          },
        },
        {
          type: 'function',
          function: {
            name: 'digits',
            description: 'The input must follow this regex grammar:\n\\d+',
            parameters: INPUT_PARAMETERS,
          },
        },
      ],
    );
  });

  it('names a namespaced tool that is too long, oddly spelt or taken with a short unique hash name', () => {
    const long = 'a'.repeat(60);
    const tools = [
      { type: 'function', name: 'crm__find' },
      {
        type: 'namespace',
        name: 'crm',
        description: 'd',
        tools: [
          { type: 'function', name: 'find' },
          { type: 'function', name: 'find' },
          { type: 'function', name: long },
        ],
      },
      { type: 'namespace', name: long, description: 'd', tools: [{ type: 'custom', name: long }] },
      { type: 'namespace', name: 'my.tools', description: 'd', tools: [{ type: 'function', name: 'go' }] },
    ];
    const names = chatTools(tools).map((t) => (t.function as JsonObject).name as string);
    assert.equal(names.length, 6);
    assert.equal(names[0], 'crm__find');
    assert.equal(new Set(names).size, 5, 'the same tool twice in a namespace goes by one name');
    for (const name of names) assert.match(name, /^[a-zA-Z0-9_-]{1,64}$/);
    assert.match(names[1] as string, /^crm__find_[0-9a-f]{8}$/);
    assert.equal(names[2], names[1]);
    assert.match(names[3] as string, /^crm__a{50}_[0-9a-f]{8}$/);
    assert.match(names[4] as string, /^a{55}_[0-9a-f]{8}$/);
    // The same request gives the same names every time: answers find their way back without state.
    assert.deepEqual(
      chatTools(tools).map((t) => (t.function as JsonObject).name),
      names,
    );
    const back = ToolNames.of(tools);
    assert.deepEqual(back.target(names[1] as string), { name: 'find', namespace: 'crm', custom: false });
    assert.deepEqual(back.target(names[4] as string), { name: long, namespace: long, custom: true });
    assert.deepEqual(back.target('crm__find'), { name: 'crm__find', custom: false });
    assert.deepEqual(back.target('unknown'), { name: 'unknown', custom: false });
    assert.match(names[5] as string, /^my_tools__go_[0-9a-f]{8}$/);
    assert.deepEqual(back.target(names[5] as string), { name: 'go', namespace: 'my.tools', custom: false });
  });

  it('maps tool_choice naming a custom or namespaced tool to its chat function', () => {
    const tools = [
      { type: 'custom', name: 'note' },
      { type: 'function', name: 'find' },
      { type: 'namespace', name: 'crm', description: 'd', tools: [{ type: 'function', name: 'lookup' }] },
      { type: 'namespace', name: 'erp', description: 'd', tools: [{ type: 'function', name: 'find' }] },
    ];
    const choice = (tool_choice: JsonObject) =>
      toChat({ model: 'm', input: 'x', tools, tool_choice }).tool_choice;
    const fn = (name: string) => ({ type: 'function', function: { name } });
    assert.deepEqual(choice({ type: 'custom', name: 'note' }), fn('note'));
    assert.deepEqual(choice({ type: 'function', name: 'lookup' }), fn('crm__lookup'));
    assert.deepEqual(choice({ type: 'function', name: 'crm__lookup' }), fn('crm__lookup'));
    // A top-level tool of that name comes first.
    assert.deepEqual(choice({ type: 'function', name: 'find' }), fn('find'));
    assert.deepEqual(choice({ type: 'function', name: 'find', namespace: 'erp' }), fn('erp__find'));
    refuses({ tools, tool_choice: { type: 'custom' } }, 'tool_choice.name');
  });

  it('refuses malformed namespace and custom tools, naming the parameter', () => {
    refuses({ tools: [{ type: 'namespace', name: 'n', description: 'd' }] }, 'tools[0].tools');
    refuses({ tools: [{ type: 'namespace', description: 'd', tools: [] }] }, 'tools[0].name');
    refuses({ tools: [{ type: 'namespace', name: 'n', description: 5, tools: [] }] }, 'tools[0].description');
    refuses({ tools: [{ type: 'namespace', name: 'n', tools: [null] }] }, 'tools[0].tools[0]');
    refuses(
      { tools: [{ type: 'namespace', name: 'n', tools: [{ type: 'function' }] }] },
      'tools[0].tools[0].name',
    );
    refuses(
      {
        tools: [{ type: 'namespace', name: 'n', tools: [{ type: 'function', name: 'f', parameters: 'x' }] }],
      },
      'tools[0].tools[0].parameters',
    );
    refuses({ tools: [{ type: 'custom', name: 'c', format: 'lark' }] }, 'tools[0].format');
    refuses({ tools: [{ type: 'custom', name: 'c', format: { type: 'json' } }] }, 'tools[0].format.type');
    refuses(
      { tools: [{ type: 'custom', name: 'c', format: { type: 'grammar', syntax: 'lark' } }] },
      'tools[0].format.definition',
    );
    refuses({ tools: [{ type: 'custom', name: 'c', description: 1 }] }, 'tools[0].description');
  });
});
