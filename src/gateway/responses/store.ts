/**
 * What the gateway keeps of the Responses API answers it gives, for `previous_response_id` and
 * `GET`/`DELETE /v1/responses/{id}`. A translated answer is kept whole (the conversation's items and the
 * response object), since no upstream has it; an answer an upstream made natively is kept upstream,
 * and here only which deployment made it, so that later calls about it reach the same one.
 *
 * Where: a SQLite file beside the trace store by default (sqlite-store.ts), Redis when
 * `router_settings` names one (redis-store.ts: every replica then sees every response), this process's
 * memory for an in-memory trace store. Entries expire after RETENTION_MS, as OpenAI's do.
 */
import type { JsonObject } from '../../shared/json.ts';

/** OpenAI keeps stored responses for 30 days. */
export const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface StoredResponse {
  id: string;
  /** Epoch milliseconds when it was kept. */
  createdAt: number;
  /** Translated: the response object as the client got it. */
  response?: JsonObject;
  /** Translated: this turn's own input items (earlier turns are kept with their own responses). */
  input?: JsonObject[];
  /** Translated: the response this one continued (`previous_response_id`), if any. */
  previous?: string;
  /** Made natively: the deployment that made it, and the model group it was reached through. */
  deploymentId?: string;
  group?: string;
}

export interface ResponseStore {
  get(id: string): Promise<StoredResponse | undefined>;
  put(entry: StoredResponse): Promise<void>;
  /** True when there was such an entry. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The most an in-memory store holds, in responses and in characters of JSON; the oldest go first. */
const MEMORY_ENTRIES = 10_000;
const MEMORY_CHARS = 64 * 1024 * 1024;

export class MemoryResponses implements ResponseStore {
  /** Each entry with its size, oldest first. */
  readonly #entries = new Map<string, { entry: StoredResponse; size: number }>();
  #size = 0;

  async get(id: string): Promise<StoredResponse | undefined> {
    const kept = this.#entries.get(id);
    if (kept === undefined || Date.now() - kept.entry.createdAt <= RETENTION_MS) return kept?.entry;
    this.#remove(id);
    return undefined;
  }

  async put(entry: StoredResponse): Promise<void> {
    this.#remove(entry.id);
    const size = JSON.stringify(entry).length;
    this.#entries.set(entry.id, { entry, size });
    this.#size += size;
    while (this.#entries.size > MEMORY_ENTRIES || this.#size > MEMORY_CHARS) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#remove(oldest);
    }
  }

  async delete(id: string): Promise<boolean> {
    return this.#remove(id);
  }

  #remove(id: string): boolean {
    const kept = this.#entries.get(id);
    if (kept === undefined) return false;
    this.#size -= kept.size;
    return this.#entries.delete(id);
  }

  async close(): Promise<void> {}
}
