/**
 * Kept responses in Redis, when `router_settings` names one: every replica can then continue a
 * conversation another one started. Each entry is one key with the retention as its expiry.
 */
import { createClient } from 'redis';
import type { RedisSettings } from '../../config/types.ts';
import { RETENTION_MS, type ResponseStore, type StoredResponse } from './store.ts';

const key = (id: string) => `tollgate:response:${id}`;

export class RedisResponses implements ResponseStore {
  readonly #client: ReturnType<typeof createClient>;

  constructor(settings: RedisSettings, onError: (err: unknown) => void) {
    this.#client = createClient({
      url: settings.url,
      password: settings.password,
      socket: {
        ...(settings.url ? {} : { host: settings.host, port: settings.port ?? 6379 }),
        connectTimeout: 2000,
        reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5000),
      },
    });
    this.#client.on('error', onError);
    this.#client.connect().catch(onError);
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const text = await this.#client.get(key(id));
    return text == null ? undefined : (JSON.parse(String(text)) as StoredResponse);
  }

  async put(entry: StoredResponse): Promise<void> {
    await this.#client.set(key(entry.id), JSON.stringify(entry), { PX: RETENTION_MS });
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#client.del(key(id))) > 0;
  }

  async close(): Promise<void> {
    if (this.#client.isOpen) await this.#client.quit();
  }
}
