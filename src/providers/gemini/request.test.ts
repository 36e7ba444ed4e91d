/** OpenAI chat and embeddings requests, recorded in test/fixtures/gemini, as the Gemini bodies they become. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureJson } from '../../../test/fixtures/gemini/fixtures.ts';
import type { JsonObject } from '../../shared/json.ts';
import { embeddingsRequest } from './embeddings.ts';
import { chatRequest, geminiParams } from './request.ts';

const MODEL = 'gemini-2.5-flash';
const user = (content: unknown) => ({ role: 'user', content });

describe('gemini request translation', () => {
  for (const name of ['text', 'tool-call', 'tool-result', 'image']) {
    it(`translates the ${name} request`, () => {
      const body = fixtureJson(`${name}.openai.json`);
      assert.deepEqual(chatRequest(body, MODEL), fixtureJson(`${name}.request.json`));
      // Everything the fixture sends is something the translation carries over.
      for (const key of Object.keys(body)) assert.ok(geminiParams('chat').has(key), key);
    });
  }

  it('translates an embeddings batch, one request per input', () => {
    const body = fixtureJson('embeddings.openai.json');
    assert.deepEqual(embeddingsRequest(body, 'gemini-embedding-001'), fixtureJson('embeddings.request.json'));
  });

  it('merges developer and system messages into the system instruction, and same-role turns', () => {
    const request = chatRequest(
      {
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
          user('Hi'),
          user([{ type: 'text', text: 'there' }]),
          { role: 'assistant', content: '' },
          { role: 'assistant', content: 'Bonjour' },
        ],
      },
      MODEL,
    );
    assert.deepEqual(request.systemInstruction, {
      parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }],
    });
    assert.deepEqual(request.contents, [
      { role: 'user', parts: [{ text: 'Hi' }, { text: 'there' }] },
      { role: 'model', parts: [{ text: 'Bonjour' }] },
    ]);
  });

  it('sets JSON mode, a stop list, max_completion_tokens over max_tokens, and thinking', () => {
    const config = (extra: JsonObject, model = MODEL) =>
      chatRequest({ messages: [user('x')], ...extra }, model).generationConfig;
    assert.deepEqual(config({ response_format: { type: 'json_object' }, stop: ['a', 'b'] }), {
      responseMimeType: 'application/json',
      stopSequences: ['a', 'b'],
    });
    assert.deepEqual(config({ max_tokens: 10, max_completion_tokens: 20 }), { maxOutputTokens: 20 });
    assert.deepEqual(config({ reasoning_effort: 'low' }), {
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    assert.deepEqual(config({ reasoning_effort: 'none' }), { thinkingConfig: { thinkingBudget: 0 } });
    assert.deepEqual(config({ reasoning_effort: 'high' }, 'gemini-3-pro-preview'), {
      thinkingConfig: { thinkingLevel: 'high', includeThoughts: true },
    });
    assert.equal(config({ response_format: { type: 'text' } }), undefined);
  });

  it('maps every tool_choice', () => {
    const choice = (tool_choice: unknown) =>
      chatRequest({ messages: [user('x')], tool_choice }, MODEL).toolConfig;
    assert.deepEqual(choice('none'), { functionCallingConfig: { mode: 'NONE' } });
    assert.deepEqual(choice('required'), { functionCallingConfig: { mode: 'ANY' } });
    assert.throws(() => choice('sometimes'), { status: 400, param: 'tool_choice' });
  });

  it('refuses what Gemini cannot take with a 400 that says why', () => {
    const translate = (messages: unknown[]) => () => chatRequest({ messages }, MODEL);
    assert.throws(translate([{ role: 'tool', tool_call_id: 'call_unknown', content: '1' }]), {
      status: 400,
      message: /tool_call_id "call_unknown" matches no earlier assistant tool call/,
    });
    assert.throws(translate([user([{ type: 'file', file: { file_id: 'f' } }])]), {
      status: 400,
      message: /content parts of type "file"/,
    });
    assert.throws(translate([user([{ type: 'image_url', image_url: { url: 'data:image/png,raw' } }])]), {
      status: 400,
      message: /only base64 data: URLs/,
    });
    assert.throws(translate([{ role: 'system', content: 'only a system prompt' }]), {
      status: 400,
      message: /must include a user message/,
    });
    assert.throws(() => embeddingsRequest({ input: [[1, 2, 3]] }, 'gemini-embedding-001'), {
      status: 400,
      param: 'input',
    });
  });

  it('leaves out a guessed mime type it cannot tell, and refuses other URL schemes', () => {
    const parts = (url: string) =>
      (
        chatRequest({ messages: [user([{ type: 'image_url', image_url: { url } }])] }, MODEL)
          .contents as JsonObject[]
      )[0]?.parts;
    assert.deepEqual(parts('https://example.com/picture'), [
      { fileData: { fileUri: 'https://example.com/picture' } },
    ]);
    assert.throws(() => parts('ftp://example.com/a.png'), { status: 400 });
  });

  it('does not take logit_bias, logprobs or the completions endpoint', () => {
    for (const p of ['logit_bias', 'logprobs', 'parallel_tool_calls'])
      assert.equal(geminiParams('chat').has(p), false);
    assert.equal(geminiParams('completions').size, 0);
  });
});
