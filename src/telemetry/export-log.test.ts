import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createExportLog } from './export-log.ts';

describe('export log', () => {
  it('sums drops and failures into one line per flush, and says nothing when all went out', () => {
    const lines: Array<{ obj: object; msg: string }> = [];
    const exportLog = createExportLog({ warn: (obj, msg) => lines.push({ obj, msg }) });
    exportLog.flush();
    assert.equal(lines.length, 0);
    exportLog.report('Dropped 12 spans because maxQueueSize reached');
    exportLog.report('Dropped 3 spans because maxQueueSize reached');
    exportLog.report('OTLPExporterError: Internal Server Error');
    exportLog.report('Request timed out');
    // The store's span queue reports the same two things directly.
    exportLog.dropped(4);
    exportLog.failed('trace store: The trace store is busy; retry shortly');
    exportLog.flush();
    exportLog.flush();
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]?.obj, {
      droppedSpans: 19,
      exportFailures: 3,
      lastFailure: 'trace store: The trace store is busy; retry shortly',
    });
  });
});
