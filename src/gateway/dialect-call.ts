/**
 * One attempt's call in the client's dialect (Responses, Messages). A provider that speaks the dialect
 * itself is called with the client's body, and its answer — bytes unchanged — is only read for the
 * trace; any other is called with the request in chat's form, and its chat answer is turned into the
 * dialect, events included. Retries, fallbacks and the trace do not care which way it went. Also what
 * a dialect's request brings besides its body: the client headers a native call forwards, and the
 * request in chat's form for the trace.
 */
import type { Dialect, NativeStream } from '../dialects/dialect.ts';
import { badRequest, type GatewayError } from '../errors/gateway-error.ts';
import type {
  Endpoint,
  JsonSuccess,
  Provider,
  StreamEvent,
  StreamSuccess,
  StreamSummary,
} from '../providers/spec.ts';
import { isJsonObject, type JsonObject } from '../shared/json.ts';
import type { RequestRecord } from './record.ts';

/** What the provider is called with for one attempt. */
export interface ProviderCall {
  endpoint: Endpoint;
  body: JsonObject;
  /** The provider speaks the client's dialect: its answer goes to the client as it is. */
  native: boolean;
}

/**
 * Deployments whose server turned out not to have a dialect endpoint its provider usually has (an
 * `openai/` model at a vLLM or Ollama `api_base` without `/v1/responses`): from then on they are
 * translated. Per process, as a server does not grow the endpoint between two requests.
 */
export class NativeRefusals {
  readonly #refused = new Set<string>();

  has(deploymentId: string, endpoint: Endpoint): boolean {
    return this.#refused.size > 0 && this.#refused.has(`${endpoint} ${deploymentId}`);
  }

  /** True when `error` says the server has no such endpoint (now remembered), not that a model is missing. */
  refusedBy(deploymentId: string, endpoint: Endpoint, error: GatewayError): boolean {
    const missing =
      (error.status === 404 || error.status === 405 || error.status === 501) &&
      !/model|deployment/i.test(`${error.code ?? ''} ${error.message}`);
    if (missing) this.#refused.add(`${endpoint} ${deploymentId}`);
    return missing;
  }
}

/**
 * The endpoint and body for this provider. The chat form is made once per request, on the first
 * translated attempt; a request that cannot be translated throws a 400 for the client. `translate`:
 * the provider usually speaks the dialect, but this deployment's server does not.
 */
export function providerCall(
  dialect: Dialect | undefined,
  endpoint: Endpoint,
  client: JsonObject,
  provider: Provider,
  record: RequestRecord,
  translate = false,
): ProviderCall {
  if (dialect === undefined) return { endpoint, body: client, native: false };
  if (!translate && provider.native?.has(endpoint)) return { endpoint, body: client, native: true };
  // The route has already written out the conversations the gateway keeps (responses/expand.ts): an id
  // still here was made elsewhere, and only the upstream that made it can continue it.
  if (typeof client.previous_response_id === 'string')
    throw badRequest(
      `Previous response with id '${client.previous_response_id}' not found: this gateway keeps no such response, and the model ${record.requestedModel} cannot continue one kept elsewhere.`,
      'previous_response_id',
      'previous_response_not_found',
    );
  record.chatRequest ??= dialect.toChat(client);
  return { endpoint: 'chat', body: record.chatRequest, native: false };
}

/** The provider's answer in the client's dialect, with what the trace needs read from it. */
export function inDialect(
  dialect: Dialect,
  call: ProviderCall,
  result: JsonSuccess | StreamSuccess,
  client: JsonObject,
  record: RequestRecord,
): JsonSuccess | StreamSuccess {
  record.native = call.native;
  if (result.kind === 'json') {
    if (call.native) {
      const facts = dialect.nativeFacts(result.json);
      record.answer = result.json;
      return { ...result, ...facts };
    }
    const answer = dialect.fromChat(result.json, client);
    record.answer = answer;
    return { ...result, body: JSON.stringify(answer), json: answer, choices: result.json.choices };
  }
  if (call.native) {
    const reader = dialect.nativeStream();
    return {
      ...result,
      events: observed(result.events, reader, result.summary, record),
      // The upstream's own error event has been relayed as it was: nothing is added to it.
      failEvents: (error) => (error === reader.failure?.() ? [] : reader.fail(error)),
    };
  }
  const writer = dialect.streamFromChat(client);
  const summary = result.summary;
  return {
    ...result,
    events: translated(result.events, writer, summary, record),
    failEvents: (error: GatewayError) => writer.fail(error, summary),
  };
}

/**
 * Upstream events passed on as they are, each read once for the trace. A failure the upstream's stream
 * reported itself ends it as failed, once its events are relayed.
 */
async function* observed(
  events: AsyncIterable<StreamEvent[]>,
  reader: NativeStream,
  summary: StreamSummary,
  record: RequestRecord,
): AsyncGenerator<StreamEvent[]> {
  try {
    for await (const batch of events) {
      for (const event of batch) reader.observe(event, summary);
      yield batch;
    }
  } finally {
    record.answer = reader.answer?.();
  }
  const failed = reader.failure?.();
  if (failed !== undefined) throw failed;
}

/** Chat chunks as the dialect's events, batch by batch, closed by the dialect's last events. */
async function* translated(
  events: AsyncIterable<StreamEvent[]>,
  writer: ReturnType<Dialect['streamFromChat']>,
  summary: StreamSummary,
  record: RequestRecord,
): AsyncGenerator<StreamEvent[]> {
  try {
    for await (const batch of events) {
      const out: StreamEvent[] = [];
      // `[DONE]` and other text markers are chat's framing, not content.
      for (const event of batch) if (isJsonObject(event.data)) out.push(...writer.chunk(event.data));
      if (out.length > 0) yield out;
    }
    yield writer.end(summary);
  } finally {
    record.answer = writer.answer();
  }
}

/**
 * A natively served request in chat's form, for the trace's messages. Tools chat cannot express (an
 * Anthropic server tool) must not cost the trace its conversation, so they are left out if need be.
 */
export function conversationOf(dialect: Dialect, body: JsonObject): JsonObject | undefined {
  try {
    return dialect.toChat(body);
  } catch {
    try {
      return dialect.toChat({ ...body, tools: undefined, tool_choice: undefined });
    } catch {
      // Nothing of it reads as chat (a body the client got a 400 for): the trace has its raw input.
      return undefined;
    }
  }
}

/** Client headers that choose an upstream API's behaviour, passed on to a provider that speaks the dialect. */
const FORWARDED = ['anthropic-version', 'anthropic-beta', 'openai-beta'];

export function forwarded(headers: RequestRecord['clientHeaders']): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of FORWARDED) {
    const value = headers[name];
    if (value === undefined) continue;
    out ??= {};
    out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
