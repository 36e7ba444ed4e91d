/**
 * The Redis connection every shared-state user opens the same way (routing state, kept responses): it
 * must never hang the request path, so commands fail at once while it is disconnected (no offline
 * queue), connecting is bounded, and reconnects back off to one every 5 s.
 */
import { createClient } from 'redis';
import type { RedisSettings } from '../config/types.ts';

export type RedisClient = ReturnType<typeof createClient>;

export function redisClient(settings: RedisSettings): RedisClient {
  return createClient({
    url: settings.url,
    password: settings.password,
    disableOfflineQueue: true,
    socket: {
      ...(settings.url ? {} : { host: settings.host, port: settings.port ?? 6379 }),
      connectTimeout: 2000,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5000),
    },
  });
}

/** Closes the connection; destroy() also stops a reconnect loop that never got through (quit() would wait for it). */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.isReady) await client.close().catch(() => {});
  if (client.isOpen) client.destroy();
}

/** `work` raced against a deadline; past it, the promise rejects with `timedOut()`. */
export async function withDeadline<T>(work: () => Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
