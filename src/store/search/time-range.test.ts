import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeRange } from './time-range.ts';

describe('timeRange', () => {
  it('takes microsecond times as numbers or digit strings', () => {
    assert.deepEqual(timeRange(1_000, '2000'), { startUs: 1_000, endUs: 2_000 });
  });

  it('refuses times no 64-bit integer holds (2^64 − 1), and keeps far-future ones exact', () => {
    for (const end of [2 ** 64 - 1, '18446744073709551615', 2 ** 63])
      assert.throws(() => timeRange(0, end), /end_time must be a time in microseconds/);
    const far = { startUs: 0, endUs: Number.MAX_SAFE_INTEGER };
    assert.deepEqual(timeRange(0, '9999999999999999'), far);
    assert.deepEqual(timeRange(0, Number.MAX_SAFE_INTEGER), far);
  });
});
