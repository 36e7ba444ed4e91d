/** A full disk is logged once per episode, and its end once, whatever the number of failed writes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreError } from './store-error.ts';
import { DISK_FULL_MESSAGE, DiskFullWatch } from './write-failure.ts';

describe('disk full watch', () => {
  it('logs a full disk once, and once when a write works again', () => {
    const lines: string[] = [];
    const watch = new DiskFullWatch((line) => lines.push(line));
    watch.stored();
    for (let i = 0; i < 100; i++) watch.failed(new StoreError(DISK_FULL_MESSAGE, 503));
    watch.failed(new StoreError('The trace store is busy; retry shortly', 503));
    for (let i = 0; i < 10; i++) watch.stored();
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /disk is full/);
    assert.match(lines[1] ?? '', /room again/);
    watch.failed(new StoreError(DISK_FULL_MESSAGE, 503));
    assert.equal(lines.length, 3, 'a second episode is logged again');
  });
});
