import assert from 'node:assert/strict';
import { it } from 'node:test';
import { redactJsonText, redactKeys } from './redact.ts';

it('masks OpenAI, Anthropic and Google keys and leaves other words alone', () => {
  assert.equal(
    redactKeys('Incorrect API key provided: sk-test-provider-0002.'),
    'Incorrect API key provided: sk-…0002.',
  );
  assert.equal(redactKeys('bad sk-ant-api03-abcdefghijkl'), 'bad sk-…ijkl');
  assert.equal(redactKeys(`key AIza${'x'.repeat(35)} refused`), 'key AIz…xxxx refused');
  assert.equal(
    redactKeys('the task-manager and risk-assessment sk-short'),
    'the task-manager and risk-assessment sk-short',
  );
});

it('masks the key shapes of other providers, and the token after Bearer', () => {
  assert.equal(redactKeys(`Invalid API Key gsk_${'a'.repeat(48)}`), `Invalid API Key gsk…aaaa`);
  assert.equal(redactKeys('xai-abcdefghijklmnop and nvapi-abcdefghijkl'), 'xai…mnop and nva…ijkl');
  assert.equal(redactKeys('Authorization: Bearer abc.def.ghijklmnop'), 'Authorization: Bearer abc…mnop');
  assert.equal(redactKeys('AKIAABCDEFGHIJKLMNOP'), 'AKI…MNOP');
});

it('masks credential fields anywhere in JSON text, and leaves other fields alone', () => {
  const body = JSON.stringify({
    model: 'm',
    max_tokens: 5,
    metadata: {
      api_key: 'plain-secret-value',
      nested: { Authorization: 'Basic dXNlcjpwYXNz', password: 'p"w' },
    },
    client_secret: 'x',
    keyword: 'kept',
  });
  const out = redactJsonText(body);
  assert.doesNotMatch(out, /plain-secret-value|dXNlcjpwYXNz|p\\"w/);
  assert.match(out, /"api_key":"\[redacted\]"/);
  assert.match(out, /"Authorization":"\[redacted\]"/);
  assert.match(out, /"client_secret":"\[redacted\]"/);
  assert.match(out, /"max_tokens":5/);
  assert.match(out, /"keyword":"kept"/);
  assert.doesNotThrow(() => JSON.parse(out));
});
