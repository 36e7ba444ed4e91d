import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptySummary } from '../providers/spec.ts';
import { newRecord } from './record.ts';
import { recordStreamEnd } from './stream-end.ts';

describe('recordStreamEnd', () => {
  it('counts text past what the summary kept at the rate of what it kept', async () => {
    const summary = { ...emptySummary(), text: 'abcd'.repeat(1000), textLength: 4 * 4000 };
    const record = newRecord('c', 'chat', { model: 'm', messages: [] }, true);
    await recordStreamEnd(record, summary, true);
    assert.equal(record.usageEstimated, true);
    // Without the tokenizer loaded: ~4 characters a token, so ~1,000 kept and ~3,000 more.
    assert.ok((record.usage?.completionTokens ?? 0) >= 3_900, String(record.usage?.completionTokens));
  });
});
