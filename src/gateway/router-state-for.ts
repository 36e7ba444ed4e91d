/** Picks where routing keeps its state: Redis when `router_settings` names one, else this process. */
import type { GatewayConfig } from '../config/types.ts';
import { MemoryState, type RouterState } from './router-state.ts';

/** The routing state a gateway with this config uses: Redis when `router_settings` names one. */
export async function routerStateFor(
  config: GatewayConfig,
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): Promise<RouterState> {
  if (!config.redis) return new MemoryState(config.cooldowns);
  // Loaded only when used: a gateway without Redis never pays for the client.
  const { RedisState } = await import('./redis-state.ts');
  const state = new RedisState(config.redis, config.cooldowns, log);
  await state.connect();
  return state;
}
