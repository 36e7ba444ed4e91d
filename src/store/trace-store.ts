/**
 * The embedded trace store: OTLP in, OpenObserve-shaped rows in SQLite, OpenObserve-shaped searches
 * out. Synchronous and single-threaded by design; `store-worker.ts` runs it off the event loop.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { streamName } from './columns.ts';
import { openStoreDatabase } from './database.ts';
import { flattenTraces, rejectionMessage } from './flatten.ts';
import { stringify } from './json.ts';
import { decodeTraceRequest } from './otlp/decode.ts';
import { encodeProtobufResponse } from './otlp/decode-proto.ts';
import type { OtlpFormat } from './otlp/format.ts';
import { enforceRetention, type RetentionLimits } from './retention.ts';
import { modelStats } from './search/model-stats.ts';
import { SearchReader, type SearchSide } from './search/reader.ts';
import { listStreams, streamSchema } from './search/streams.ts';
import type { Params } from './search/traces.ts';
import { StoreWriter } from './writer.ts';

export interface TraceStoreOptions extends RetentionLimits {
  /** A file path, or `:memory:`. */
  path: string;
  /** Longest a search may run. */
  queryTimeLimitMs: number;
  /** Largest OTLP body after decompression. */
  maxBodyBytes: number;
}

export interface IngestRequest {
  org: string;
  /** The `stream-name` header, formatted as OpenObserve formats stream names. */
  stream?: string;
  bytes: Uint8Array;
  format: OtlpFormat;
  encoding?: string;
}

export interface IngestResult {
  accepted: number;
  rejected: number;
  message: string;
  /** For protobuf requests: the encoded `ExportTraceServiceResponse`. */
  protobuf?: Uint8Array;
}

export class TraceStore implements SearchSide {
  readonly #write: DatabaseSync;
  readonly #writer: StoreWriter;
  readonly #reader: SearchReader;
  readonly #options: TraceStoreOptions;

  constructor(options: TraceStoreOptions) {
    this.#options = options;
    // An in-memory database is private to its connection unless it is a named shared-cache one.
    const path =
      options.path === ':memory:' ? `file:tollgate-${randomUUID()}?mode=memory&cache=shared` : options.path;
    this.#write = openStoreDatabase(path);
    this.#writer = new StoreWriter(this.#write);
    this.#reader = new SearchReader(path, {
      timeLimitMs: options.queryTimeLimitMs,
      maxBodyBytes: options.maxBodyBytes,
    });
  }

  ingest(request: IngestRequest): IngestResult {
    const [result] = this.ingestAll([request]);
    if (result instanceof Error) throw result;
    return result as IngestResult;
  }

  /**
   * Ingests requests that arrived together in one transaction. Each request succeeds or fails on its
   * own: one that cannot be decoded gets its error, and if the shared write fails, each is retried alone.
   */
  ingestAll(requests: IngestRequest[]): Array<IngestResult | Error> {
    const prepared = requests.map((request) => {
      try {
        const batch = decodeTraceRequest(
          request.bytes,
          request.format,
          request.encoding,
          this.#options.maxBodyBytes,
        );
        const stream = streamName(request.stream);
        return { request, stream, ...flattenTraces(batch, stream) };
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    });
    const ready = prepared.filter((p): p is Exclude<typeof p, Error> => !(p instanceof Error));
    try {
      this.#writer.writeAll(ready.map((p) => ({ org: p.request.org, stream: p.stream, rows: p.rows })));
    } catch {
      return prepared.map((p) => {
        if (p instanceof Error) return p;
        try {
          this.#writer.write(p.request.org, p.stream, p.rows);
          return result(p.request, p.rows.length, p.rejected, p.reasons);
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      });
    }
    return prepared.map((p) =>
      p instanceof Error ? p : result(p.request, p.rows.length, p.rejected, p.reasons),
    );
  }

  /**
   * The searches, on this store's own read connection: the worker answers them for an in-memory store,
   * which no other process can open; a file's are answered by the search processes (`search-pool.ts`).
   */
  search(org: string, body: unknown): string {
    return this.#reader.search(org, body);
  }

  latest(org: string, stream: string, params: Params): string {
    return this.#reader.latest(org, stream, params);
  }

  details(org: string, stream: string, traceId: string, params: Params): string {
    return this.#reader.details(org, stream, traceId, params);
  }

  /** The Models page's numbers from the rollups, as JSON text. */
  models(org: string, stream: string, params: Params): string {
    return stringify(modelStats(this.#write, org, streamName(stream), params));
  }

  /** The organisation's streams with their columns and counts, as JSON text. */
  streams(org: string, stream?: string): string {
    return stringify(
      stream === undefined
        ? listStreams(this.#write, org)
        : streamSchema(this.#write, org, streamName(stream)),
    );
  }

  /** Applies the age and size limits now; returns how many spans were deleted. */
  retain(nowMs?: number): number {
    return enforceRetention(this.#write, this.#options, nowMs);
  }

  close(): void {
    this.#reader.close();
    this.#write.close();
  }
}

function result(
  request: IngestRequest,
  accepted: number,
  rejected: number,
  reasons: Map<string, number>,
): IngestResult {
  const message = rejectionMessage(reasons);
  const out: IngestResult = { accepted, rejected, message };
  if (request.format === 'protobuf') out.protobuf = encodeProtobufResponse(rejected, message);
  return out;
}
