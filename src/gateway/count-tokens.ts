/**
 * Anthropic's `POST /v1/messages/count_tokens`: what a Messages request would cost in input tokens.
 * A model served by Anthropic answers it itself (the body passed through, its bytes back); any other is
 * counted here, on the request's chat form, with the tokenizer the gateway counts streams with. Claude
 * Code calls it to size its context; it is not a generation, so it is neither traced nor retried.
 */
import type { GatewayConfig } from '../config/types.ts';
import type { Dialect } from '../dialects/dialect.ts';
import { getProvider } from '../providers/registry.ts';
import { isJsonObject, type JsonObject } from '../shared/json.ts';
import type { ModelRegistry } from './model-registry.ts';
import { prepareBody } from './request-body.ts';
import { estimateUsage, prepareTokenizer } from './token-estimate.ts';

export interface CountAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export async function countTokens(
  config: GatewayConfig,
  registry: ModelRegistry,
  dialect: Dialect,
  body: JsonObject,
  forwardHeaders: Readonly<Record<string, string>> | undefined,
  signal: AbortSignal,
): Promise<CountAnswer> {
  const { deployments } = registry.resolve(String(body.model));
  for (const deployment of deployments) {
    const provider = getProvider(deployment.provider);
    if (!provider?.native?.has('count_tokens')) continue;
    const prepared = prepareBody('count_tokens', body, deployment, provider, false);
    const ctx = {
      deployment,
      signal,
      timeoutMs: deployment.timeoutMs ?? config.requestTimeoutMs,
      forwardHeaders,
    };
    const result = await provider.call('count_tokens', prepared.body, ctx);
    if (!result.ok) throw result.error;
    // A count is JSON; an answer of any other type is no count, and the gateway counts instead.
    if (result.kind !== 'json') continue;
    return { status: result.status, body: result.body, headers: result.headers };
  }
  // A count has no answer length, which the Messages API otherwise requires; it does not change the count.
  const chat = dialect.toChat({ ...body, max_tokens: 1 });
  await prepareTokenizer();
  let tokens = estimateUsage(chat, '').promptTokens;
  // Tool definitions and calls are part of the prompt too; their JSON is a fair measure of them.
  const structured: unknown[] = chat.tools === undefined ? [] : [chat.tools];
  for (const m of Array.isArray(chat.messages) ? chat.messages : [])
    if (isJsonObject(m) && m.tool_calls !== undefined) structured.push(m.tool_calls);
  if (structured.length > 0) tokens += estimateUsage({ prompt: JSON.stringify(structured) }, '').promptTokens;
  return { status: 200, body: JSON.stringify({ input_tokens: tokens }), headers: {} };
}
