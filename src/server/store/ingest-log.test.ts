/**
 * The ingest log writes what was cut from stored spans at most once per interval, with the counts
 * summed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIngestLog } from './ingest-log.ts';

function recorder() {
  const lines: Array<{ level: string; obj: object; msg: string }> = [];
  const at = (level: string) => (obj: object, msg: string) => lines.push({ level, obj, msg });
  return { lines, log: { warn: at('warn') } };
}

describe('ingest log', () => {
  it('sums what was cut over the interval instead of a line per request', async () => {
    const { lines, log } = recorder();
    const ingestLog = createIngestLog(log, 200);
    for (let i = 0; i < 1000; i++) ingestLog.stored({ 'attribute(s) dropped: x': 3 });
    assert.equal(lines.length, 1, 'the first request is logged at once');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(lines.length, 2, 'the rest in one line after the interval');
    assert.deepEqual(lines[1]?.obj, { trimmed: { 'attribute(s) dropped: x': 2997 }, requests: 999 });
    ingestLog.stored({});
    ingestLog.flush();
    assert.equal(lines.length, 2, 'nothing cut, nothing logged');
  });
});
