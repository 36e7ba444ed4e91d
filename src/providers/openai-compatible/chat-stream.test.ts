import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptySummary, MAX_SUMMARY_CHARS } from '../spec.ts';
import { observeChunk } from './chat-stream.ts';

const delta = (d: Record<string, unknown>) => ({ choices: [{ index: 0, delta: d, finish_reason: null }] });

describe('observeChunk', () => {
  it('keeps at most MAX_SUMMARY_CHARS of an endless stream, and counts all it relayed', () => {
    const summary = emptySummary();
    const kib = 'x'.repeat(1024);
    for (let i = 0; i < 3000; i++) {
      observeChunk(delta({ content: kib, reasoning_content: kib }), summary);
      observeChunk(delta({ tool_calls: [{ index: 0, function: { arguments: kib } }] }), summary);
    }
    assert.equal(summary.text.length, MAX_SUMMARY_CHARS);
    assert.equal(summary.textLength, 3000 * 1024);
    assert.equal(summary.reasoning?.length, MAX_SUMMARY_CHARS);
    assert.equal(summary.toolCalls?.[0]?.arguments.length, MAX_SUMMARY_CHARS);
  });

  it('ignores a tool call index that would allocate a huge sparse array', () => {
    const summary = emptySummary();
    observeChunk(
      delta({ tool_calls: [{ index: 1e9, id: 'x', function: { name: 'f', arguments: '{}' } }] }),
      summary,
    );
    assert.deepEqual(summary.toolCalls, []);
  });
});
