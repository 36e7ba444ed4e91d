/**
 * LiteLLM's budget alerts to a webhook: `general_settings.alerting: ["webhook"]` with the URL in
 * `WEBHOOK_URL`, narrowed by `alert_types` (which must then list `budget_alerts`). LiteLLM's other
 * channels (Slack, email) and alert types are named in a warning: accepted, not acted on.
 */
import { envValue } from './deployment.ts';
import type { FileConfig } from './schema.ts';

type GeneralSettings = NonNullable<FileConfig['general_settings']>;

/** The URL budget alerts go to, or undefined (with a warning when the settings ask for what cannot be). */
export function budgetWebhook(
  gs: GeneralSettings,
  env: NodeJS.ProcessEnv,
  label: string,
  warnings: string[],
): string | undefined {
  const channels = gs.alerting ?? [];
  for (const channel of channels)
    if (channel !== 'webhook')
      warnings.push(`${label}: general_settings.alerting "${channel}" is not supported yet (only "webhook")`);
  const types = gs.alert_types;
  const others = (types ?? []).filter((t) => t !== 'budget_alerts');
  if (others.length > 0)
    warnings.push(
      `${label}: general_settings.alert_types ${others.join(', ')} are not sent yet (only budget_alerts)`,
    );
  if (!channels.includes('webhook') || (types !== undefined && !types.includes('budget_alerts'))) return;
  const url = envValue(env, 'WEBHOOK_URL');
  if (url === undefined) {
    warnings.push(
      `${label}: general_settings.alerting "webhook" needs WEBHOOK_URL; no budget alerts are sent`,
    );
    return undefined;
  }
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    warnings.push(`${label}: WEBHOOK_URL is not an http(s) URL; no budget alerts are sent`);
    return undefined;
  }
  return url;
}
