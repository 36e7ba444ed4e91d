/**
 * Webhook delivery: the destination's method, URL and headers, the body rendered from a template with
 * OpenObserve's placeholders, retried with backoff on a network error or a non-2xx answer.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { type DestinationPolicy, DestinationRefused } from './destination-policy.ts';
import type { Destination } from './rule.ts';

export interface Delivery {
  delivered: boolean;
  attempts: number;
  /** What the history shows. */
  error: string | null;
  /** What the gateway's log shows: the network error itself. */
  cause: string;
}

/**
 * Replaces each `{name}` whose name is known; anything else is left as written. In a JSON template
 * (one that starts with `{"` or `[`) a value is written as JSON: escaped inside a string, and outside one
 * as itself only when it is a JSON number or array (`{value}`, `{rows}`), else as a string — so a model
 * name can never add keys or break the body.
 */
export function render(template: string, values: Record<string, string>): string {
  // `{"…` or `[`: a JSON object or array; `{model} …` is a placeholder starting plain text.
  const json = /^\s*(\{\s*"|\[)/.test(template);
  let inString = false;
  let out = '';
  let last = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (json && c === '"' && !escaped(template, i)) inString = !inString;
    if (c !== '{') continue;
    const match = /^\{([a-z_]+)\}/.exec(template.slice(i, i + 40));
    const value = match ? values[match[1] as string] : undefined;
    if (!match || value === undefined) continue;
    out += template.slice(last, i) + (json ? asJson(value, inString) : value);
    last = i + match[0].length;
    i = last - 1;
  }
  return out + template.slice(last);
}

function escaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let j = quote - 1; j >= 0 && text[j] === '\\'; j--) backslashes++;
  return backslashes % 2 === 1;
}

function asJson(value: string, inString: boolean): string {
  const quoted = JSON.stringify(value);
  if (inString) return quoted.slice(1, -1);
  return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) || value.startsWith('[') ? value : quoted;
}

/** Each try's wait for an answer: a webhook that hangs must not hold the alerts behind it for long. */
const TIMEOUT_MS = 3000;

/**
 * What the history says when a call got no answer. The same words whether the connection was refused,
 * reset or timed out: told apart, they would make the alert API a port scanner of wherever the gateway
 * can reach. The cause goes to the gateway's log.
 */
export const NOT_DELIVERED =
  'could not deliver: no answer from the destination (the gateway log has the cause)';

export interface DeliveryOptions {
  policy: DestinationPolicy;
  /** Connects only to addresses the policy let through (`policy.lookup`); made by `webhookDispatcher`. */
  dispatcher: Dispatcher;
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
}

export function webhookDispatcher(policy: DestinationPolicy): Agent {
  return new Agent({ connect: { lookup: policy.lookup } });
}

export async function deliver(
  destination: Destination,
  body: string,
  { policy, dispatcher, retryDelaysMs = [1000, 4000], timeoutMs = TIMEOUT_MS }: DeliveryOptions,
): Promise<Delivery> {
  // An address in the URL never reaches the lookup (there is nothing to resolve): checked here.
  const refusal = policy.refusal(destination.url);
  if (refusal) return { delivered: false, attempts: 0, error: refusal, cause: refusal };
  let error: string | null = null;
  let cause = '';
  for (let attempt = 1; attempt <= retryDelaysMs.length + 1; attempt++) {
    try {
      const response = await request(destination.url, {
        dispatcher,
        method: destination.method,
        headers: { 'content-type': 'application/json', ...destination.headers },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300)
        return { delivered: true, attempts: attempt, error: null, cause: '' };
      error = `the webhook answered ${response.statusCode}`;
      cause = error;
    } catch (err) {
      // A refusal stays one: trying again would ask DNS again, and the answer is the operator's to change.
      if (err instanceof DestinationRefused)
        return { delivered: false, attempts: attempt, error: err.message, cause: err.message };
      error = NOT_DELIVERED;
      cause = err instanceof Error ? err.message : String(err);
    }
    const delay = retryDelaysMs[attempt - 1];
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
  }
  return { delivered: false, attempts: retryDelaysMs.length + 1, error, cause };
}
