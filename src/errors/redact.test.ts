import assert from 'node:assert/strict';
import { it } from 'node:test';
import { redactKeys } from './redact.ts';

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
