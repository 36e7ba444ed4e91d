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

  it('ends lines at CR alone too, and hands each event over as soon as its blank line comes', async () => {
    const reads = ['data: a\r\r', 'data: b\rdata: c\r\r', 'data: d\r\n\r\ndata: e\n\r'];
    let released = 0;
    async function* source() {
      for (const r of reads) {
        released++;
        yield Buffer.from(r);
      }
    }
    const seen: Array<[number, string[]]> = [];
    for await (const batch of parseSse(source())) seen.push([released, batch.map((e) => e.data)]);
    assert.deepEqual(seen, [
      [1, ['a']],
      [2, ['b\nc']],
      [3, ['d', 'e']],
    ]);
  });

  it('waits for the LF after a CR that ends a read', async () => {
    const events = await collect(['data: x\r\n\r', '\ndata: y\r\n\r\n']);
    assert.deepEqual(
      events.map((e) => e.data),
      ['x', 'y'],
    );
  });

  it('fails a stream whose event never ends once it passes the cap, without rescanning it all', async () => {
    const mib = 'x'.repeat(1024 * 1024);
    let reads = 0;
    async function* source() {
      yield Buffer.from('data: ');
      for (; reads < 64; reads++) yield Buffer.from(mib);
    }
    const started = performance.now();
    await assert.rejects(
      (async () => {
        for await (const _ of parseSse(source()));
      })(),
      (err: Error & { code?: string }) => err.code === 'upstream_stream_error',
    );
    assert.ok(reads <= 9, `read ${reads} MiB before giving up`);
    assert.ok(performance.now() - started < 2_000);
  });
});
