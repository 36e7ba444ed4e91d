import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, MAX_RETRY_AFTER_MS } from './backoff.ts';

describe('backoffMs', () => {
  it('grows exponentially with jitter between half and all of the ceiling, capped', () => {
    assert.equal(
      backoffMs(1, undefined, () => 0),
      250,
    );
    assert.equal(
      backoffMs(1, undefined, () => 1),
      500,
    );
    assert.equal(
      backoffMs(3, undefined, () => 1),
      2000,
    );
    assert.equal(
      backoffMs(20, undefined, () => 1),
      8000,
    );
  });

  it('honours Retry-After, up to the limit', () => {
    assert.equal(backoffMs(1, 2), 2000);
    assert.equal(backoffMs(1, 10_000), MAX_RETRY_AFTER_MS);
  });
});
