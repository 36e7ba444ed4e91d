/** The session list's first user message, from each shape OpenObserve reads messages in. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstUserMessage } from './first-user-message.ts';

describe('firstUserMessage', () => {
  it('takes the first user (or human) message of a list, in JSON text or not', () => {
    const messages = [
      { role: 'system', content: 'be brief' },
      { role: 'Human', content: 'hello' },
      { role: 'user', content: 'later' },
    ];
    assert.equal(firstUserMessage(messages), 'hello');
    assert.equal(firstUserMessage(JSON.stringify(messages)), 'hello');
    assert.equal(firstUserMessage({ messages }), 'hello');
  });

  it('reads content parts and OTel parts, skipping parts that are not text', () => {
    const parts = [
      {
        role: 'user',
        parts: [
          { type: 'image', url: 'x' },
          { type: 'text', content: 'Paris?' },
        ],
      },
    ];
    assert.equal(firstUserMessage(parts), 'Paris?');
    assert.equal(
      firstUserMessage([{ role: 'user', content: [{ type: 'text', text: 'a' }, { text: 'b' }] }]),
      'a\nb',
    );
  });

  it('takes a plain string, a scalar or an unknown object whole, and cuts at 400 characters', () => {
    assert.equal(firstUserMessage('plain input'), 'plain input');
    assert.equal(firstUserMessage('"encoded"'), 'encoded');
    assert.equal(firstUserMessage(42), '42');
    assert.equal(firstUserMessage({ prompt: 'hi' }), '{"prompt":"hi"}');
    assert.equal(firstUserMessage('x'.repeat(500))?.length, 400);
  });

  it('is null when there is no user message', () => {
    assert.equal(firstUserMessage([{ role: 'assistant', content: 'hi' }]), null);
    assert.equal(firstUserMessage([]), null);
    assert.equal(firstUserMessage(null), null);
    assert.equal(firstUserMessage({ role: 'assistant', content: 'hi' }), null);
  });
});
