/**
 * OTLP/HTTP request bodies → spans: every Content-Encoding OpenObserve accepts, the limits on
 * decompressed size, and the errors a client sees for bodies that cannot be read.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { decodeTraceRequest } from './decode.ts';
import { OtlpDecodeError } from './model.ts';

const fixtures = new URL('../../../test/fixtures/otlp/', import.meta.url);
const proto = readFileSync(new URL('sdk-spans.pb', fixtures));
const json = readFileSync(new URL('sdk-spans.json', fixtures));
const MAX = 1 << 20;

const COMPRESS: Record<string, (bytes: Uint8Array) => Uint8Array> = {
  gzip: (b) => zlib.gzipSync(b),
  'x-gzip': (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  zstd: (b) => zlib.zstdCompressSync(b),
};

/** Asserts `fn` throws an OtlpDecodeError with this status and a message matching `message`. */
function assertDecodeError(fn: () => unknown, status: number, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OtlpDecodeError, `an OtlpDecodeError, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.match(err.message, message);
    return true;
  });
}

describe('decodeTraceRequest: content encodings', () => {
  for (const [format, body] of [
    ['protobuf', proto],
    ['json', json],
  ] as const) {
    const plain = decodeTraceRequest(body, format, undefined, MAX);

    it(`${format}: the recorded body decodes to three spans`, () => {
      assert.equal(plain.length, 1);
      assert.equal(plain[0]?.spans.length, 3);
    });

    for (const [encoding, compress] of Object.entries(COMPRESS)) {
      it(`${format}: a ${encoding} body decodes to the same spans`, () => {
        assert.deepEqual(decodeTraceRequest(compress(body), format, encoding, MAX), plain);
      });
    }

    it(`${format}: identity, empty and oddly written encodings are the plain body`, () => {
      assert.deepEqual(decodeTraceRequest(body, format, 'identity', MAX), plain);
      assert.deepEqual(decodeTraceRequest(body, format, '', MAX), plain);
      assert.deepEqual(decodeTraceRequest(zlib.gzipSync(body), format, ' GZIP ', MAX), plain);
    });

    it(`${format}: raw deflate (no zlib header) sent as "deflate" decodes too`, () => {
      assert.deepEqual(decodeTraceRequest(zlib.deflateRawSync(body), format, 'deflate', MAX), plain);
    });
  }

  it('the protobuf and the JSON exporter produce the same spans', () => {
    assert.deepEqual(
      decodeTraceRequest(proto, 'protobuf', undefined, MAX),
      decodeTraceRequest(json, 'json', undefined, MAX),
    );
  });

  it('an unsupported Content-Encoding is a 400 naming the accepted ones', () => {
    assertDecodeError(
      () => decodeTraceRequest(proto, 'protobuf', 'lzma', MAX),
      400,
      /Unsupported Content-Encoding "lzma".*gzip, deflate, br or zstd/,
    );
  });

  it('a body that is not what its encoding says is a 400', () => {
    for (const encoding of ['gzip', 'deflate', 'br', 'zstd'])
      assertDecodeError(
        () => decodeTraceRequest(Buffer.from('not compressed at all'), 'json', encoding, MAX),
        400,
        new RegExp(`^Invalid ${encoding} body`),
      );
  });
});

describe('decodeTraceRequest: decompression limit', () => {
  // 8 MiB of zeros compresses to a few kilobytes: a small request that would become a large body.
  const bomb = Buffer.alloc(8 << 20);

  for (const [encoding, compress] of Object.entries(COMPRESS)) {
    it(`a ${encoding} body larger than maxBytes once decompressed is a 413`, () => {
      const small = compress(bomb);
      assert.ok(small.length < 64 * 1024, `the ${encoding} bomb is small (${small.length} bytes)`);
      assertDecodeError(
        () => decodeTraceRequest(small, 'protobuf', encoding, MAX),
        413,
        /larger than 1048576 bytes/,
      );
    });
  }

  it('a raw-deflate bomb is a 413 as well', () => {
    assertDecodeError(
      () => decodeTraceRequest(zlib.deflateRawSync(bomb), 'protobuf', 'deflate', MAX),
      413,
      /larger than/,
    );
  });

  it('a body of exactly maxBytes is accepted', () => {
    const spans = decodeTraceRequest(zlib.gzipSync(proto), 'protobuf', 'gzip', proto.length);
    assert.equal(spans[0]?.spans.length, 3);
  });
});

describe('decodeTraceRequest: unreadable bodies', () => {
  it('garbage protobuf is a 400 "Invalid proto"', () => {
    assertDecodeError(
      () => decodeTraceRequest(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), 'protobuf', '', MAX),
      400,
      /^Invalid proto: /,
    );
    assertDecodeError(
      () => decodeTraceRequest(proto.subarray(0, proto.length - 7), 'protobuf', '', MAX),
      400,
      /^Invalid proto: /,
    );
  });

  it('an empty protobuf body is an empty request', () => {
    assert.deepEqual(decodeTraceRequest(new Uint8Array(0), 'protobuf', undefined, MAX), []);
  });

  it('bad JSON is a 400 "Invalid json"', () => {
    assertDecodeError(
      () => decodeTraceRequest(Buffer.from('{"resourceSpans": ['), 'json', '', MAX),
      400,
      /^Invalid json: /,
    );
    assertDecodeError(
      () => decodeTraceRequest(Buffer.from('[1, 2]'), 'json', '', MAX),
      400,
      /^Invalid json: /,
    );
    assertDecodeError(
      () => decodeTraceRequest(Buffer.from('{"resourceSpans": {}}'), 'json', '', MAX),
      400,
      /^Invalid json: "resourceSpans" must be an array/,
    );
  });
});

describe('decodeTraceRequest: OTLP/JSON variants', () => {
  const camel = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '0123456789abcdef0123456789abcdef',
                spanId: '0123456789abcdef',
                parentSpanId: 'fedcba9876543210',
                name: 'op',
                kind: 2,
                startTimeUnixNano: '1793534400123456789',
                endTimeUnixNano: '1793534401123456789',
                attributes: [
                  { key: 'n', value: { intValue: '42' } },
                  { key: 'big', value: { intValue: '9007199254740993' } },
                  { key: 'd', value: { doubleValue: 1.5 } },
                  { key: 'b', value: { boolValue: true } },
                  { key: 'a', value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'x' }] } } },
                  {
                    key: 'kv',
                    value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } },
                  },
                ],
                events: [{ timeUnixNano: '1793534400500000000', name: 'e', attributes: [] }],
                links: [
                  { traceId: 'ffffffffffffffffffffffffffffffff', spanId: 'eeeeeeeeeeeeeeee', attributes: [] },
                ],
                status: { code: 2, message: 'boom' },
              },
            ],
          },
        ],
      },
    ],
  };
  const expected = decodeTraceRequest(Buffer.from(JSON.stringify(camel)), 'json', undefined, MAX);

  it('reads the specification form exactly (64-bit values as strings stay exact)', () => {
    const span = expected[0]?.spans[0];
    assert.ok(span);
    assert.equal(span.startNs, 1793534400123456789n);
    assert.equal(span.kind, 2);
    assert.equal(span.statusCode, 2);
    assert.deepEqual(span.attributes, [
      ['n', 42],
      ['big', 9007199254740993n],
      ['d', 1.5],
      ['b', true],
      ['a', [1, 'x']],
      ['kv', { kvlist: [['k', 'v']] }],
    ]);
  });

  it('accepts snake_case keys, as protobuf JSON parsers do', () => {
    const snake = JSON.stringify(camel).replace(
      /"([a-z]+(?:[A-Z][a-z]+)+)":/g,
      (_m, key: string) => `"${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}":`,
    );
    assert.match(snake, /"resource_spans":.*"start_time_unix_nano":.*"int_value":/);
    assert.doesNotMatch(snake, /"resourceSpans"|"startTimeUnixNano"|"intValue"/);
    assert.deepEqual(decodeTraceRequest(Buffer.from(snake), 'json', undefined, MAX), expected);
  });

  it('accepts numbers as numbers for times and integers, and enum names for kind and status', () => {
    const text = JSON.stringify(camel)
      .replace(/"(\d+)"/g, '$1')
      .replace('"kind":2', '"kind":"SPAN_KIND_SERVER"')
      .replace('"code":2', '"code":"STATUS_CODE_ERROR"');
    const [rs] = decodeTraceRequest(Buffer.from(text), 'json', undefined, MAX);
    const span = rs?.spans[0];
    assert.ok(span);
    assert.equal(span.kind, 2);
    assert.equal(span.statusCode, 2);
    // A time as a JSON number is only as exact as a double: within a microsecond here.
    assert.ok(span.startNs - 1793534400123456789n < 1000n && 1793534400123456789n - span.startNs < 1000n);
    assert.deepEqual(span.attributes.slice(0, 1), [['n', 42]]);
    assert.deepEqual(span.attributes[4], ['a', [1, 'x']]);
  });

  it('reads base64 ids (the generic protobuf JSON mapping) as hex', () => {
    const text = JSON.stringify(camel)
      .replace(
        '0123456789abcdef0123456789abcdef',
        Buffer.from('0123456789abcdef0123456789abcdef', 'hex').toString('base64'),
      )
      .replace('"0123456789abcdef"', `"${Buffer.from('0123456789abcdef', 'hex').toString('base64')}"`);
    assert.deepEqual(decodeTraceRequest(Buffer.from(text), 'json', undefined, MAX), expected);
  });
});
