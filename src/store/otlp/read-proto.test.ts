/**
 * The fast protobuf reader must read exactly what protobufjs's generic decoder reads from the OTLP
 * schema: the recorded SDK payload, generated batches with every value type, and bad input alike.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { decodeProtobuf } from './decode-proto.ts';
import { OtlpDecodeError } from './model.ts';
import { readTraceRequest } from './read-proto.ts';

const root = protobuf.parse(readFileSync(new URL('./trace.proto', import.meta.url), 'utf8')).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');

const every = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeSpans: [
        {
          scope: { name: 'scope', version: '1' },
          spans: [
            {
              traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
              spanId: Buffer.from('b7ad6b7169203331', 'hex'),
              parentSpanId: Buffer.from('00f067aa0ba902b7', 'hex'),
              traceState: 'k=v',
              name: 'every type',
              kind: 3,
              startTimeUnixNano: '1767225540123456789',
              endTimeUnixNano: '1767225541123456789',
              attributes: [
                { key: 's', value: { stringValue: 'text' } },
                { key: 'b', value: { boolValue: true } },
                { key: 'f', value: { boolValue: false } },
                { key: 'i', value: { intValue: -42 } },
                { key: 'big', value: { intValue: '9007199254740993' } },
                { key: 'd', value: { doubleValue: 0.25 } },
                { key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'x' }] } } },
                {
                  key: 'kv',
                  value: { kvlistValue: { values: [{ key: 'n', value: { doubleValue: 1.5 } }] } },
                },
                { key: 'bytes', value: { bytesValue: Buffer.from([1, 2, 3]) } },
                { key: 'empty', value: {} },
              ],
              events: [
                {
                  timeUnixNano: '1767225540200000000',
                  name: 'e',
                  attributes: [{ key: 'k', value: { intValue: 1 } }],
                },
              ],
              links: [
                {
                  traceId: Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex'),
                  spanId: Buffer.from('00f067aa0ba902b2', 'hex'),
                  traceState: '',
                  attributes: [{ key: 'why', value: { stringValue: 'retry' } }],
                  droppedAttributesCount: 3,
                  flags: 257,
                },
              ],
              status: { code: 2, message: 'failed' },
              flags: 257,
            },
          ],
        },
      ],
    },
  ],
};

describe('the fast OTLP protobuf reader', () => {
  it('reads the recorded SDK payload as the generic decoder does', () => {
    const bytes = readFileSync(new URL('../../../test/fixtures/otlp/sdk-spans.pb', import.meta.url));
    assert.deepEqual(readTraceRequest(bytes), decodeProtobuf(bytes));
  });

  it('reads every value type, exact 64-bit integers and all span fields the same way', () => {
    const bytes = Request.encode(Request.fromObject(every)).finish();
    const read = readTraceRequest(bytes);
    assert.deepEqual(read, decodeProtobuf(bytes));
    assert.equal(read[0]?.spans[0]?.startNs, 1767225540123456789n);
    assert.deepEqual(
      read[0]?.spans[0]?.attributes.find(([k]) => k === 'big'),
      ['big', 9007199254740993n],
    );
  });

  it('refuses truncated and garbage bodies with an OtlpDecodeError', () => {
    const bytes = Request.encode(Request.fromObject(every)).finish();
    for (const bad of [
      bytes.subarray(0, bytes.length - 7),
      new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1]),
    ]) {
      assert.throws(
        () => readTraceRequest(bad),
        (err) => err instanceof OtlpDecodeError && err.status === 400,
      );
    }
  });
});
