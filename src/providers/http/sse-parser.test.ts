import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSse } from './sse-parser.ts';

async function collect(parts: string[]) {
  async function* source() {
    for (const p of parts) yield Buffer.from(p);
  }
  const out = [];
  for await (const batch of parseSse(source())) out.push(...batch);
  return out;
}

describe('parseSse', () => {
  it('yields each event once it is complete, however the bytes were split', async () => {
    const events = await collect(['data: {"a":', '1}\n', '\ndata: {"b":2}\n\nda', 'ta: [DONE]\n\n']);
    assert.deepEqual(
      events.map((e) => e.data),
      ['{"a":1}', '{"b":2}', '[DONE]'],
    );
    assert.equal(events[0]?.raw, 'data: {"a":1}\n\n');
  });

  it('handles CRLF, multi-line data, comments and a last event without a blank line', async () => {
    const events = await collect([
      ': keep-alive\r\n\r\ndata: line1\r\ndata: line2\r\n\r\nevent: x\ndata:{"c":3}',
    ]);
    assert.deepEqual(
      events.map((e) => e.data),
      ['line1\nline2', '{"c":3}'],
    );
  });

  it('hands over the events of one read together', async () => {
    async function* source() {
      yield Buffer.from('data: 1\n\ndata: 2\n\ndata: 3');
      yield Buffer.from('\n\n');
    }
    const batches = [];
    for await (const batch of parseSse(source())) batches.push(batch.map((e) => e.data));
    assert.deepEqual(batches, [['1', '2'], ['3']]);
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('data: "héllo ✓"\n\n');
    async function* source() {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    const out = [];
    for await (const batch of parseSse(source())) out.push(...batch.map((e) => e.data));
    assert.deepEqual(out, ['"héllo ✓"']);
  });
});
