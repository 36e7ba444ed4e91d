/** Picks where kept responses live (store.ts): Redis when configured, else beside the trace store. */
import { dirname, join } from 'node:path';
import type { RedisSettings } from '../../config/types.ts';
import { MemoryResponses, type ResponseStore } from './store.ts';

/** `storePath`: the trace store's file, `:memory:`, or undefined when there is no embedded store. */
export async function responseStoreFor(
  redis: RedisSettings | undefined,
  storePath: string | undefined,
  warn: (err: unknown) => void,
): Promise<ResponseStore> {
  if (redis !== undefined) {
    // Loaded only when used, as the routing state's client is.
    const { RedisResponses } = await import('./redis-store.ts');
    let warned = 0;
    // A Redis that is down reports every reconnect; once a minute in the log is enough.
    return new RedisResponses(redis, (err) => {
      if (Date.now() - warned < 60_000) return;
      warned = Date.now();
      warn(err);
    });
  }
  if (storePath === undefined || storePath === ':memory:') return new MemoryResponses();
  const { SqliteResponses } = await import('./sqlite-store.ts');
  return new SqliteResponses(join(dirname(storePath), 'responses.db'), warn);
}
