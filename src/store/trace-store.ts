/**
 * The embedded trace store: OTLP in, OpenObserve-shaped rows in SQLite, OpenObserve-shaped searches
 * out. Synchronous and single-threaded by design; `store-worker.ts` runs it off the event loop.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { streamName } from './columns.ts';
import { openStoreDatabase } from './database.ts';
import { flattenTraces, rejectionMessage, trimMessage } from './flatten.ts';
import { stringify } from './json.ts';
import { decodeTraceRequest } from './otlp/decode.ts';
import { encodeProtobufResponse } from './otlp/decode-proto.ts';
import type { OtlpFormat } from './otlp/format.ts';
import { fromPlain, type PlainResourceSpans } from './otlp/plain.ts';
import { enforceRetention, type RetentionLimits } from './retention.ts';
import { modelStats } from './search/model-stats.ts';
import { listOrganizations } from './search/organizations.ts';
import { SearchReader, type SearchSide } from './search/reader.ts';
import { type ListOptions, listStreams, streamSchema } from './search/streams.ts';
import type { Params } from './search/traces.ts';
import type { Tally } from './span-limits.ts';
import { DiskFullError, isDiskFull } from './write-failure.ts';
import { StoreWriter, type WriteBatch } from './writer.ts';

export interface TraceStoreOptions extends RetentionLimits {
  /** A file path, or `:memory:`. */
  path: string;
  /** Longest a search may run. */
  queryTimeLimitMs: number;
  /** Largest OTLP body after decompression. */
  maxBodyBytes: number;
  /**
   * For tests: SQLite's `max_page_count` on the writing connection. Writes past it fail as on a full
   * disk, which lets a test fill the "disk" and free it again (retention) without a real one.
   */
  maxPageCount?: number;
  /** Streams kept in all organisations (span-limits.ts's MAX_STREAMS); smaller in tests. */
  maxStreams?: number;
}

export interface IngestRequest {
  org: string;
  /** The `stream-name` header, formatted as OpenObserve formats stream names. */
  stream?: string;
  bytes: Uint8Array;
  format: OtlpFormat;
  encoding?: string;
}

/**
 * Spans as plain data, from the gateway in the same process (`otlp/plain.ts`): nothing to decode, and
 * from there on the same limits, flattening and rollups as an OTLP request.
 */
export interface SpansRequest {
  org: string;
  /** As in `IngestRequest`. */
  stream?: string;
  spans: PlainResourceSpans[];
}

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** Why spans were rejected and what was cut from the stored ones (OTLP's `error_message`). */
  message: string;
  /** What was cut from the stored spans (span-limits.ts): reason → count. */
  trimmed: Record<string, number>;
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
    if (options.maxPageCount !== undefined)
      this.#write.exec(`PRAGMA max_page_count = ${Math.trunc(options.maxPageCount)}`);
    this.#writer = new StoreWriter(this.#write, options.maxStreams);
    this.#reader = new SearchReader(path, {
      timeLimitMs: options.queryTimeLimitMs,
      maxBodyBytes: options.maxBodyBytes,
    });
  }

  ingest(request: IngestRequest): IngestResult {
    return this.#one(request);
  }

  ingestSpans(request: SpansRequest): IngestResult {
    return this.#one(request);
  }

  #one(request: IngestRequest | SpansRequest): IngestResult {
    const [result] = this.ingestAll([request]);
    if (result instanceof Error) throw result;
    return result as IngestResult;
  }

  /**
   * Ingests requests that arrived together in one transaction, OTLP bodies and span batches alike. Each
   * request succeeds or fails on its own: one that cannot be decoded gets its error, and if the shared
   * write fails, each is retried alone (unless the disk is full, which fails them all alike).
   */
  ingestAll(requests: Array<IngestRequest | SpansRequest>): Array<IngestResult | Error> {
    const prepared = requests.map((request) => {
      try {
        const own = 'spans' in request;
        const batch = own
          ? fromPlain(request.spans)
          : decodeTraceRequest(request.bytes, request.format, request.encoding, this.#options.maxBodyBytes);
        const stream = streamName(request.stream);
        const flat = flattenTraces(batch, stream);
        const write: WriteBatch = { org: request.org, stream, rows: flat.rows, tally: flat.trimmed, own };
        return { request, flat, write };
      } catch (err) {
        return asError(err);
      }
    });
    const ready = prepared.filter((p): p is Exclude<typeof p, Error> => !(p instanceof Error));
    try {
      this.#writer.writeAll(ready.map((p) => p.write));
    } catch (err) {
      const full = isDiskFull(err);
      return prepared.map((p) => {
        if (p instanceof Error) return p;
        if (full) return new DiskFullError();
        try {
          this.#writer.writeAll([p.write]);
          return result(p.request, p.flat);
        } catch (err) {
          return isDiskFull(err) ? new DiskFullError() : asError(err);
        }
      });
    }
    return prepared.map((p) => (p instanceof Error ? p : result(p.request, p.flat)));
  }

  /**
   * The searches, on this store's own read connection: the worker answers them for an in-memory store,
   * which no other process can open; a file's are answered by the search processes (`search-pool.ts`).
   */
  search(org: string, body: unknown, traceId?: string): string {
    return this.#reader.search(org, body, traceId);
  }

  latest(org: string, stream: string, params: Params): string {
    return this.#reader.latest(org, stream, params);
  }

  details(org: string, stream: string, traceId: string, params: Params): string {
    return this.#reader.details(org, stream, traceId, params);
  }

  latestStream(org: string, stream: string, params: Params): string {
    return this.#reader.latestStream(org, stream, params);
  }

  values(org: string, stream: string, params: Params): string {
    return this.#reader.values(org, stream, params);
  }

  sessions(org: string, stream: string, params: Params): string {
    return this.#reader.sessions(org, stream, params);
  }

  sessionDetails(org: string, stream: string, params: Params): string {
    return this.#reader.sessionDetails(org, stream, params);
  }

  users(org: string, stream: string, params: Params): string {
    return this.#reader.users(org, stream, params);
  }

  /** The Models page's numbers from the rollups, as JSON text. */
  models(org: string, stream: string, params: Params): string {
    return stringify(modelStats(this.#write, org, streamName(stream), params));
  }

  /** The organisation's streams with their counts (and columns on request), as JSON text. */
  streams(org: string, stream?: string, options?: ListOptions): string {
    return stringify(
      stream === undefined
        ? listStreams(this.#write, org, options)
        : streamSchema(this.#write, org, streamName(stream)),
    );
  }

  /** The organisations `user` sees, in OpenObserve's shape, as JSON text. */
  organizations(user: string, pageSize: number): string {
    return stringify(listOrganizations(this.#write, user, pageSize));
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

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function result(
  request: IngestRequest | SpansRequest,
  outcome: { rows: unknown[]; rejected: number; reasons: Map<string, number>; trimmed: Tally },
): IngestResult {
  const { rejected, reasons, trimmed } = outcome;
  const message = [rejectionMessage(reasons), trimMessage(trimmed)].filter((m) => m !== '').join('; ');
  const out: IngestResult = {
    accepted: outcome.rows.length,
    rejected,
    message,
    trimmed: Object.fromEntries(trimmed),
  };
  if ('format' in request && request.format === 'protobuf')
    out.protobuf = encodeProtobufResponse(rejected, message);
  return out;
}
