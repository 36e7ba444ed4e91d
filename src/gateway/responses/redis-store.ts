/**
 * Kept responses in Redis, when `router_settings` names one: every replica can then continue a
 * conversation another one started. Each entry is one key with the retention as its expiry. Redis being
 * away must never hang a request: commands fail at once while it is disconnected and are given a
 * deadline, and a call that needs it answers 503 meanwhile.
 */

import type { RedisSettings } from '../../config/types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { closeRedis, type RedisClient, redisClient, withDeadline } from '../redis-client.ts';
import { RETENTION_MS, type ResponseStore, type StoredResponse } from './store.ts';

const key = (id: string) => `tollgate:response:${id}`;
/** A kept response is read on the request path: past this, the request is answered without waiting. */
const COMMAND_TIMEOUT_MS = 2000;

export class RedisResponses implements ResponseStore {
  readonly #client: RedisClient;
  /** Settles when the first connection attempt has; until then a call waits for it (within its deadline). */
  readonly #connecting: Promise<unknown>;

  constructor(settings: RedisSettings, onError: (err: unknown) => void) {
    this.#client = redisClient(settings);
    this.#client.on('error', onError);
    this.#connecting = this.#client.connect().catch(onError);
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const text = await this.#call(() => this.#client.get(key(id)));
    return text == null ? undefined : (JSON.parse(String(text)) as StoredResponse);
  }

  async put(entry: StoredResponse): Promise<void> {
    await this.#call(() => this.#client.set(key(entry.id), JSON.stringify(entry), { PX: RETENTION_MS }));
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#call(() => this.#client.del(key(id)))) > 0;
  }

  close(): Promise<void> {
    return closeRedis(this.#client);
  }

  /** One command within the deadline, waiting first (within it) for the first connection attempt. */
  #call<T>(command: () => Promise<T>): Promise<T> {
    return withDeadline(
      async () => {
        if (!this.#client.isReady) await this.#connecting;
        if (!this.#client.isReady) throw unavailable();
        return command();
      },
      COMMAND_TIMEOUT_MS,
      unavailable,
    );
  }
}

function unavailable(): GatewayError {
  return new GatewayError(
    'The Redis server that keeps Responses API answers (router_settings.redis_*) is not reachable; try again',
    { status: 503, type: 'api_error', code: 'responses_store_unavailable' },
  );
}
