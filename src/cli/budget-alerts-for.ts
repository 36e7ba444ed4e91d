/**
 * Sends LiteLLM's budget alert events (accounts/budget-alerts.ts) to `WEBHOOK_URL`, as JSON, through the
 * alerts' webhook delivery (timeouts, retries with backoff). Never on a request's path: a request only
 * starts the delivery.
 */
import { BudgetAlerts, type BudgetEvent } from '../accounts/budget-alerts.ts';
import { DestinationPolicy } from '../alerts/destination-policy.ts';
import type { Destination } from '../alerts/rule.ts';
import { deliver, webhookDispatcher } from '../alerts/webhook.ts';

export function budgetAlertsFor(
  url: string | undefined,
  warn: (message: string) => void,
): BudgetAlerts | undefined {
  if (url === undefined) return undefined;
  // The operator named this URL in the environment: its host is allowed wherever it resolves (a
  // receiver on this machine too), unlike destinations saved through the alerts API.
  const policy = new DestinationPolicy([new URL(url).hostname.replace(/^\[|\]$/g, '')]);
  const dispatcher = webhookDispatcher(policy);
  const destination: Destination = { name: 'budget-alerts', type: 'http', url, method: 'POST', headers: {} };
  return new BudgetAlerts((event: BudgetEvent) => {
    deliver(destination, JSON.stringify(event), { policy, dispatcher }).then(
      (delivery) => {
        if (!delivery.delivered)
          warn(
            `budget alert ${event.event} (${event.event_group}) not delivered to WEBHOOK_URL: ${delivery.cause}`,
          );
      },
      (err: unknown) => warn(`budget alert ${event.event} not delivered to WEBHOOK_URL: ${String(err)}`),
    );
  });
}
