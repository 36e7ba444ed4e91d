/**
 * Webhook delivery: the destination's method, URL and headers, the body rendered from a template with
 * OpenObserve's placeholders, retried with backoff on a network error or a non-2xx answer.
 */
import { request } from 'undici';
import type { Destination } from './rule.ts';

export interface Delivery {
  delivered: boolean;
  attempts: number;
  error: string | null;
}

/** Replaces each `{name}` whose name is known; anything else is left as written. */
export function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export async function deliver(
  destination: Destination,
  body: string,
  retryDelaysMs: readonly number[] = [1000, 4000],
): Promise<Delivery> {
  let error: string | null = null;
  for (let attempt = 1; attempt <= retryDelaysMs.length + 1; attempt++) {
    try {
      const response = await request(destination.url, {
        method: destination.method,
        headers: { 'content-type': 'application/json', ...destination.headers },
        body,
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300)
        return { delivered: true, attempts: attempt, error: null };
      error = `the webhook answered ${response.statusCode}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const delay = retryDelaysMs[attempt - 1];
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
  }
  return { delivered: false, attempts: retryDelaysMs.length + 1, error };
}
