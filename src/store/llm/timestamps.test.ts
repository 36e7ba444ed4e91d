import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionStartMicros } from './timestamps.ts';

describe('completionStartMicros', () => {
  const at = Date.UTC(2026, 10, 1, 12) * 1000;
  it("reads ISO dates, Langfuse's JSON-quoted ones, and epoch numbers of any unit", () => {
    assert.equal(completionStartMicros('2026-11-01T12:00:00.250000Z'), at + 250_000);
    assert.equal(completionStartMicros('"2026-11-01T12:00:00.250001Z"'), at + 250_001);
    assert.equal(completionStartMicros(at / 1e6), at);
    assert.equal(completionStartMicros(at / 1000), at);
    assert.equal(completionStartMicros(String(at)), at);
    assert.equal(completionStartMicros(BigInt(at) * 1000n), at);
    assert.equal(completionStartMicros('soon'), undefined);
  });
});
