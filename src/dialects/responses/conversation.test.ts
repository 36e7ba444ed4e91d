import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { JsonObject } from '../../shared/json.ts';
import { expandConversation, inputItems, inputItemsPage } from './conversation.ts';
import { toChat } from './request.ts';

/** Items with generated ids checked against their prefix and replaced by it. */
function settled(items: JsonObject[]): JsonObject[] {
  return items.map((item) => {
    const id = String(item.id);
    if (!/^(msg|fc|rs|item)_[0-9a-f]{48}$/.test(id)) return item;
    return { ...item, id: id.split('_')[0] };
  });
}

describe('conversation storage', () => {
  it('lists a string input as one user message with an id, without the instructions', () => {
    assert.deepEqual(settled(inputItems({ model: 'm', instructions: 'Be brief.', input: 'Hi' })), [
      {
        id: 'msg',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Hi' }],
        status: 'completed',
      },
    ]);
  });

  it('gives items without an id one, keeps the ids there are, and writes string content as parts', () => {
    const items = inputItems({
      model: 'm',
      input: [
        { role: 'developer', content: 'Rules.' },
        { type: 'message', role: 'assistant', content: 'Earlier answer.' },
        {
          id: 'msg_keep',
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'Q' }],
          status: 'completed',
        },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
        { type: 'reasoning', summary: [] },
        { type: 'web_search_call', status: 'completed' },
        'junk',
      ],
    });
    assert.deepEqual(settled(items), [
      {
        id: 'msg',
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_text', text: 'Rules.' }],
        status: 'completed',
      },
      {
        id: 'msg',
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Earlier answer.', annotations: [] }],
        status: 'completed',
      },
      {
        id: 'msg_keep',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Q' }],
        status: 'completed',
      },
      { id: 'fc', type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { id: 'fc', type: 'function_call_output', call_id: 'c1', output: 'ok' },
      { id: 'rs', type: 'reasoning', summary: [] },
      { id: 'item', type: 'web_search_call', status: 'completed' },
    ]);
    assert.equal(new Set(items.map((item) => item.id)).size, items.length, 'ids are unique');
    assert.deepEqual(inputItems({ model: 'm' }), []);
  });

  it('writes out the conversation a previous_response_id continues, with this request’s instructions only', () => {
    const earlierInput = inputItems({ model: 'm', input: 'What is 2+2?' });
    const earlierOutput = [
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Easy.' }] },
      {
        id: 'msg_2',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: '4' }],
      },
    ];
    const request = {
      model: 'm',
      instructions: 'Answer in French.',
      previous_response_id: 'resp_1',
      input: 'And 3+3?',
      store: true,
    };
    const expanded = expandConversation(request, { input: earlierInput, output: earlierOutput });
    assert.equal('previous_response_id' in expanded, false);
    assert.equal(expanded.instructions, 'Answer in French.');
    assert.equal(expanded.store, true);
    const input = expanded.input as JsonObject[];
    assert.deepEqual(input.slice(0, 3), [...earlierInput, ...earlierOutput]);
    assert.deepEqual(settled(input.slice(3)), [
      {
        id: 'msg',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'And 3+3?' }],
        status: 'completed',
      },
    ]);
    assert.equal(request.previous_response_id, 'resp_1', 'the request is left as it was');
    assert.deepEqual(toChat(expanded).messages, [
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: '4' },
      { role: 'user', content: 'And 3+3?' },
    ]);
  });

  describe('input items pages', () => {
    const items = Array.from({ length: 25 }, (_, i) => ({ id: `item_${i}`, type: 'message' }));
    const ids = (page: JsonObject) => (page.data as JsonObject[]).map((item) => item.id);

    it('lists newest first, 20 at a time, by default', () => {
      const page = inputItemsPage(items, {});
      assert.equal(page.object, 'list');
      assert.deepEqual(
        ids(page),
        Array.from({ length: 20 }, (_, i) => `item_${24 - i}`),
      );
      assert.equal(page.first_id, 'item_24');
      assert.equal(page.last_id, 'item_5');
      assert.equal(page.has_more, true);
      const next = inputItemsPage(items, { after: page.last_id });
      assert.deepEqual(ids(next), ['item_4', 'item_3', 'item_2', 'item_1', 'item_0']);
      assert.equal(next.has_more, false);
    });

    it('lists oldest first with order asc, with a limit from the query string', () => {
      const page = inputItemsPage(items, { order: 'asc', limit: '3' });
      assert.deepEqual(page, {
        object: 'list',
        data: items.slice(0, 3),
        first_id: 'item_0',
        last_id: 'item_2',
        has_more: true,
      });
      assert.deepEqual(ids(inputItemsPage(items, { order: 'asc', after: 'item_21', limit: 100 })), [
        'item_22',
        'item_23',
        'item_24',
      ]);
    });

    it('pages backwards with before, and between two cursors', () => {
      const back = inputItemsPage(items, { order: 'asc', before: 'item_10', limit: 3 });
      assert.deepEqual(ids(back), ['item_7', 'item_8', 'item_9']);
      assert.equal(back.has_more, true);
      assert.equal(inputItemsPage(items, { order: 'asc', before: 'item_2', limit: 3 }).has_more, false);
      const between = inputItemsPage(items, { order: 'asc', after: 'item_3', before: 'item_6' });
      assert.deepEqual(ids(between), ['item_4', 'item_5']);
      assert.equal(between.has_more, false);
    });

    it('answers an empty list with null ids', () => {
      assert.deepEqual(inputItemsPage([], {}), {
        object: 'list',
        data: [],
        first_id: null,
        last_id: null,
        has_more: false,
      });
    });

    it('refuses a bad order, limit or cursor, naming it', () => {
      for (const [query, param] of [
        [{ order: 'newest' }, 'order'],
        [{ limit: 0 }, 'limit'],
        [{ limit: 101 }, 'limit'],
        [{ limit: '2.5' }, 'limit'],
        [{ limit: 'ten' }, 'limit'],
        [{ after: 'item_99' }, 'after'],
        [{ before: 7 }, 'before'],
      ] as const)
        assert.throws(
          () => inputItemsPage(items, query),
          (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param,
        );
    });
  });
});
