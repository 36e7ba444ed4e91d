/** The gateway's Prometheus metrics, with the budget gauges of its virtual keys when it has them. */
import type { KeyGate } from '../accounts/key-gate.ts';
import { hashKey } from '../accounts/key-text.ts';
import type { GatewayConfig } from '../config/types.ts';
import { Metrics } from '../metrics/metrics.ts';

export function metricsFor(config: GatewayConfig, keys: KeyGate | undefined): Metrics {
  return new Metrics({
    masterToken: config.masterKey === undefined ? undefined : hashKey(config.masterKey),
    endUsers: config.metricsEndUsers === true,
    budgets: keys ? { accounts: keys.accounts, flush: () => keys.spend.flush() } : undefined,
  });
}
