/**
 * Hands the gateway's own spans to the embedded store in-process: the batch is encoded as OTLP
 * protobuf (the same bytes an OTLP exporter would send) and posted to the store worker, with no
 * HTTP hop and no decoding on the event loop.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { handOver, type StoreClient } from '../store/store-client.ts';

export function storeExporter(store: StoreClient, stream: string): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      const bytes = ProtobufTraceSerializer.serializeRequest(spans);
      if (!bytes) return done({ code: ExportResultCode.FAILED, error: new Error('could not encode spans') });
      store.call('ingest', { org: 'default', stream, bytes, format: 'protobuf' }, handOver(bytes)).then(
        () => done({ code: ExportResultCode.SUCCESS }),
        (error: Error) => done({ code: ExportResultCode.FAILED, error }),
      );
    },
    // The store outlives the exporter: it is closed after the last spans are flushed into it.
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
}
