/**
 * An OTLP/HTTP trace request body → spans, the way OpenObserve reads it: `Content-Encoding` gzip,
 * deflate, br or zstd; `application/x-protobuf` is protobuf, `application/json` (or no type) is JSON,
 * anything else is refused.
 */
import zlib from 'node:zlib';
import { decodeJson } from './decode-json.ts';
import type { OtlpFormat } from './format.ts';
import { OtlpDecodeError, type OtlpResourceSpans } from './model.ts';
import { readTraceRequest } from './read-proto.ts';

export function decodeTraceRequest(
  bytes: Uint8Array,
  format: OtlpFormat,
  contentEncoding: string | undefined,
  maxBytes: number,
): OtlpResourceSpans[] {
  const plain = decompress(bytes, (contentEncoding ?? '').trim().toLowerCase(), maxBytes);
  return format === 'protobuf' ? readTraceRequest(plain) : decodeJson(Buffer.from(plain).toString('utf8'));
}

/** `deflate` should carry a zlib header, but some clients send raw deflate under the name. */
function inflate(bytes: Uint8Array, options: zlib.ZlibOptions): Uint8Array {
  try {
    return zlib.inflateSync(bytes, options);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw err;
    return zlib.inflateRawSync(bytes, options);
  }
}

function decompress(bytes: Uint8Array, encoding: string, maxBytes: number): Uint8Array {
  const options = { maxOutputLength: maxBytes };
  try {
    switch (encoding) {
      case '':
      case 'identity':
        return bytes;
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(bytes, options);
      case 'deflate':
        return inflate(bytes, options);
      case 'br':
        return zlib.brotliDecompressSync(bytes, options);
      case 'zstd':
        return zlib.zstdDecompressSync(bytes, options);
      default:
        throw new OtlpDecodeError(
          `Unsupported Content-Encoding "${encoding}": use gzip, deflate, br or zstd`,
        );
    }
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw err;
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new OtlpDecodeError(`The decompressed body is larger than ${maxBytes} bytes`, 413);
    throw new OtlpDecodeError(
      `Invalid ${encoding} body: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
