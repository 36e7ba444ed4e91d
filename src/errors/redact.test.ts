import assert from 'node:assert/strict';
import { it } from 'node:test';
import { redactJsonText, redactKeys, redactLogLine, redactUrlCredentials } from './redact.ts';

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

it('masks credential query parameters and URL passwords, and leaves other parameters alone', () => {
  const url =
    'https://h.example/v1beta/models/m:generateContent?alt=sse&key=AIzaPlainValue&api_key=abc123&Api-Key=x1' +
    '&access_token=t0k&X-Amz-Signature=deadbeef&X-Amz-Credential=AKID%2F2024&sig=s1g&code=c0de&page=2#frag';
  const out = redactUrlCredentials(url);
  assert.doesNotMatch(out, /AIzaPlainValue|abc123|x1&|t0k|deadbeef|AKID|s1g|c0de/);
  assert.match(out, /\?alt=sse&key=\[redacted\]&api_key=\[redacted\]/);
  assert.match(out, /&page=2#frag$/);
  assert.equal(
    redactUrlCredentials('redis://user:hunter2@cache:6379/0 and ?monkey=1&keyword=2'),
    'redis://user:[redacted]@cache:6379/0 and ?monkey=1&keyword=2',
  );
});

it('masks a log line: URLs in it, credential headers and key shapes, and it stays JSON', () => {
  const line = JSON.stringify({
    msg: 'incoming request',
    req: { url: '/v1/chat/completions?api_key=opaque-value-1&x=1' },
    headers: { authorization: 'Basic b3BhcXVl', 'x-api-key': 'opaque-2', 'api-key': 'opaque-3' },
    err: 'upstream said: Incorrect API key provided: sk-test-abcdefghijkl',
  });
  const out = redactLogLine(line);
  assert.doesNotMatch(out, /opaque|b3BhcXVl|abcdefghijkl/);
  assert.match(out, /\?api_key=\[redacted\]&x=1/);
  assert.doesNotThrow(() => JSON.parse(out));
});
