/**
 * The gateway core: owns each request from parsed body to last byte. It picks deployments, makes
 * attempts under the retry policy, falls back to other groups, relays streams, and ends every request
 * exactly once (lifecycle.ts), telling its subscribers. Knows nothing of HTTP servers, so a test can
 * drive it with plain objects.
 */
import type { Deployment, GatewayConfig } from '../config/types.ts';
import type { Dialect } from '../dialects/dialect.ts';
import { dialectFor, tokenCountDialect } from '../dialects/index.ts';
import { badRequest, type GatewayError } from '../errors/gateway-error.ts';
import type { JsonSuccess } from '../providers/spec.ts';
import { type Endpoint, isStreamingEndpoint } from '../providers/spec.ts';
import { isJsonObject, type JsonObject } from '../shared/json.ts';
import { withFilesDescribed } from '../shared/upload.ts';
import { type Answered, createAttempt, type GroupTarget, mockGroupFailure } from './attempt.ts';
import { costOf } from './cost.ts';
import { type CountAnswer, countTokens } from './count-tokens.ts';
import { conversationOf, forwarded } from './dialect-call.ts';
import { fallbackGroups } from './fallbacks.ts';
import type { GatewayLog } from './gateway-log.ts';
import { imageCost } from './image-cost.ts';
import { RequestLifecycle } from './lifecycle.ts';
import type { ModelRegistry } from './model-registry.ts';
import { type Caller, type ClientHeaders, newRecord, type RequestRecord } from './record.ts';
import { asGatewayError, type ErrorEvent, openAiErrorEvent, relayStream } from './relay.ts';
import { wantsMockResponse } from './request-body.ts';
import { effectiveFallbacks, mockFailureError, requestRouting } from './request-options.ts';
import { clientTags, mergeTags } from './request-tags.ts';
import { retrieveUpstream } from './responses/retrieve.ts';
import type { StoredResponse } from './responses/store.ts';
import { type AttemptResult, type RetryPolicy, withRetries } from './retry.ts';
import { MemoryState, type RouterState } from './router-state.ts';

export type { GatewayLog } from './gateway-log.ts';

export type Outcome =
  | { kind: 'json'; status: number; body: string; headers: Record<string, string>; record: RequestRecord }
  | {
      kind: 'media';
      status: number;
      body: Buffer;
      contentType: string;
      headers: Record<string, string>;
      record: RequestRecord;
    }
  | { kind: 'stream'; headers: Record<string, string>; chunks: AsyncIterable<string>; record: RequestRecord }
  | { kind: 'error'; error: GatewayError; record: RequestRecord };

export interface HandleOptions {
  callId: string;
  /** The client's headers: its trace context, user and session. */
  headers?: ClientHeaders;
  /**
   * True when a server writes the answer and reports `delivered` or `clientGone` on the exchange; the
   * request is over only then. Without (plain-object use) it is over when the gateway's work is.
   */
  connected?: boolean;
  /** How a stream's mid-way failure reaches the client; OpenAI's error event by default. */
  errorEvent?: ErrorEvent;
  /** The kept conversation the body was given (`previous_response_id`, responses/expand.ts). */
  continues?: RequestRecord['continues'];
  /** The deployment to prefer in the requested group: the one keeping the conversation continued. */
  pinned?: string;
  /** The virtual key and its owners, when the request came with one (charged and traced). */
  caller?: Caller;
  clientIp?: string;
  /** The route the client called, as registered (`record.route`). */
  route?: string;
  /** The end user's `allowed_model_region` (`record.allowedModelRegion`). */
  allowedModelRegion?: string;
}

/** One request in flight, as the server sees it. */
export interface Exchange {
  readonly record: RequestRecord;
  readonly outcome: Promise<Outcome>;
  /** The whole answer was written to the client. */
  delivered(): void;
  /** The client left before that: it closed the connection, or stopped reading and was cut off. */
  clientGone(reason: 'closed' | 'timeout'): void;
}

export type FinishListener = (record: RequestRecord) => void;

export interface Gateway {
  handle(endpoint: Endpoint, body: JsonObject, options: HandleOptions): Exchange;
  /** A request refused before routing (a body that is not valid): traced like any other. */
  refuse(endpoint: Endpoint, body: unknown, error: GatewayError, options: HandleOptions): Exchange;
  /** Anthropic's token count for a Messages request: by Anthropic when it serves the model, else here. */
  countTokens(body: JsonObject, headers: ClientHeaders, signal: AbortSignal): Promise<CountAnswer>;
  /** A call about a response an upstream made and keeps (`GET`/`DELETE /responses/{id}`, …). */
  retrieveResponse(
    entry: StoredResponse,
    method: 'GET' | 'DELETE',
    path: string,
    signal: AbortSignal,
  ): Promise<JsonSuccess>;
  /** Subscribes to the end of every request, with its record complete (telemetry; later spend, cache). */
  onFinish(listener: FinishListener): void;
  /** Ends the requests still in flight, as `shutdown` (their clients get a 503 or a last error event). */
  shutdown(): void;
  /** Lets go of shared routing state (the Redis connection). */
  close(): Promise<void>;
}

/** `state` is where routing keeps what it learns: this process (default) or Redis (redis-state.ts). */
export function createGateway(
  config: GatewayConfig,
  registry: ModelRegistry,
  log: GatewayLog,
  state: RouterState = new MemoryState(config.cooldowns),
): Gateway {
  const listeners: FinishListener[] = [];
  const live = new Set<RequestLifecycle>();
  const attempt = createAttempt(config, state, log);
  // The same for every request; each adds its retry budget, deadline and signal.
  const retryRules: Pick<RetryPolicy, 'onRetry'> = {
    onRetry: ({ error, deployment }, n, wait) =>
      log.debug(
        { deployment: deployment.id, attempt: n, waitMs: Math.round(wait), status: error.status },
        'retrying',
      ),
  };

  function start(record: RequestRecord, options: HandleOptions): RequestLifecycle {
    const lifecycle = new RequestLifecycle(
      record,
      (r) => {
        live.delete(lifecycle);
        finish(r);
      },
      options.connected ?? false,
    );
    live.add(lifecycle);
    return lifecycle;
  }

  function finish(record: RequestRecord): void {
    const dialect = dialectFor(record.endpoint);
    if (dialect !== undefined && record.chatRequest === undefined) {
      // Served natively, or refused: the trace still shows the conversation, when it can be read as one.
      record.chatRequest = conversationOf(dialect, record.requestBody);
    }
    const last = record.attempts.at(-1);
    // A stream's tokens count against its deployment's tpm once known, at its end.
    if (record.stream && last && last.provider !== 'mock' && !last.error)
      state.addTokens(last.deployment.id, record.usage?.totalTokens ?? 0);
    for (const listener of listeners) {
      try {
        listener(record);
      } catch (err) {
        log.warn({ err }, 'a request-end subscriber failed');
      }
    }
  }

  function exchange(lifecycle: RequestLifecycle, outcome: Promise<Outcome>): Exchange {
    return {
      record: lifecycle.record,
      outcome,
      delivered: () => lifecycle.delivered(),
      clientGone: (reason) => lifecycle.abandon(reason === 'timeout' ? 'client_timeout' : 'client_closed'),
    };
  }

  return {
    onFinish: (listener) => void listeners.push(listener),
    shutdown: () => {
      for (const lifecycle of [...live]) lifecycle.abandon('shutdown');
    },
    close: () => state.close(),
    countTokens: (body, headers, signal) =>
      countTokens(config, registry, tokenCountDialect, body, forwarded(headers), signal),
    retrieveResponse: (entry, method, path, signal) =>
      retrieveUpstream(config, registry, entry, method, path, signal),
    handle(endpoint, client, options) {
      const stream = client.stream === true && isStreamingEndpoint(endpoint);
      // The record (and the trace) keeps an uploaded file's name, type and size; the attempts get its bytes.
      // Only a multipart form carries files: a chat body (hundreds of messages) is not scanned for them.
      const shown = endpoint === 'transcriptions' ? withFilesDescribed(client) : client;
      const record = newRecord(options.callId, endpoint, shown, stream, options.headers);
      record.continues = options.continues;
      record.caller = options.caller;
      record.clientIp = options.clientIp;
      record.route = options.route;
      record.allowedModelRegion = options.allowedModelRegion;
      const lifecycle = start(record, options);
      return exchange(lifecycle, run(endpoint, client, stream, lifecycle, options));
    },
    refuse(endpoint, body, error, options) {
      const object = isJsonObject(body) ? withFilesDescribed(body) : {};
      const record = newRecord(options.callId, endpoint, object, false, options.headers);
      record.caller = options.caller;
      record.clientIp = options.clientIp;
      record.route = options.route;
      const lifecycle = start(record, options);
      record.error = error;
      lifecycle.workDone();
      return exchange(lifecycle, Promise.resolve({ kind: 'error', error, record }));
    },
  };

  async function run(
    endpoint: Endpoint,
    client: JsonObject,
    stream: boolean,
    lifecycle: RequestLifecycle,
    options: HandleOptions,
  ): Promise<Outcome> {
    const record = lifecycle.record;
    const errorEvent = options.errorEvent ?? openAiErrorEvent;
    let result: AttemptResult<Answered>;
    try {
      result = await route(endpoint, client, stream, lifecycle, options.pinned);
    } catch (err) {
      const error = asGatewayError(err);
      if (error.status >= 500 && error === err) log.warn({ err }, 'unexpected gateway failure');
      result = { ok: false, error };
    }
    const answer = result.ok ? result.value.result : undefined;
    if (result.ok && answer?.kind === 'stream') {
      // Relayed even when the client has just left: pulling the stream is what closes its upstream.
      record.httpStatus = 200;
      const chunks = relayStream(answer, lifecycle, result.value.attempt, errorEvent);
      return { kind: 'stream', headers: answer.headers, chunks, record };
    }
    if (answer === undefined || answer.kind === 'stream' || lifecycle.abandoned) {
      const error = lifecycle.abandoned || result.ok ? lifecycle.abandonError() : result.error;
      record.error = error;
      lifecycle.workDone();
      return { kind: 'error', error, record };
    }
    record.usage = answer.usage;
    if (record.deployment) {
      record.cost = costOf(record.deployment, record.usage);
      // Images without token usage are priced per image (image-cost.ts).
      if (record.cost === undefined && endpoint === 'image_generations' && answer.kind === 'json')
        record.cost = imageCost(record.deployment, client, answer.json);
    }
    record.httpStatus = answer.status;
    if (answer.kind === 'media') {
      // The bytes go to the client only: the record keeps what the trace may show of them.
      record.output = answer.trace.value;
      record.outputMimeType = answer.trace.mimeType;
      lifecycle.workDone();
      const { status, body, contentType, headers } = answer;
      return { kind: 'media', status, body, contentType, headers, record };
    }
    record.finishReason = answer.finishReason;
    record.responseModel = answer.responseModel;
    if (typeof answer.json.id === 'string') record.responseId = answer.json.id;
    record.output = answer.traceOutput ?? answer.body;
    record.outputChoices = answer.choices ?? answer.json.choices;
    lifecycle.workDone();
    return { kind: 'json', status: answer.status, body: answer.body, headers: answer.headers, record };
  }

  /** The requested group, then its fallbacks, each under the retry policy, within the deadline. */
  async function route(
    endpoint: Endpoint,
    client: JsonObject,
    stream: boolean,
    lifecycle: RequestLifecycle,
    pinned: string | undefined,
  ): Promise<AttemptResult<Answered>> {
    const record = lifecycle.record;
    const signal = lifecycle.signal;
    const routing = requestRouting(client, record.clientHeaders);
    const own = clientTags(client, record.clientHeaders);
    // Most requests carry no tags: nothing to merge then.
    record.tags = own.length === 0 ? record.caller?.tags : mergeTags(own, record.caller?.tags);
    const timeoutMs = routing.timeoutSeconds === undefined ? undefined : routing.timeoutSeconds * 1000;
    // A client may give its calls longer than the gateway's request_timeout, as LiteLLM lets it.
    const deadline = record.startedPerf + Math.max(config.requestTimeoutMs, timeoutMs ?? 0);
    const dialect = dialectFor(endpoint);
    const forwardHeaders = dialect === undefined ? undefined : forwarded(record.clientHeaders);
    const request = {
      endpoint,
      client,
      dialect,
      forwardHeaders,
      stream,
      record,
      signal,
      deadline,
      pinned,
      timeoutMs,
    };
    // LiteLLM's order: the deployment's own retries, the client's `num_retries`, the configured ones.
    const retries = (d: Deployment) =>
      (record.maxRetries = d.maxRetries ?? routing.numRetries ?? config.numRetries);
    const policy: RetryPolicy = { ...retryRules, retries, deadline, signal };
    const inGroup = (target: GroupTarget, body = client) =>
      withRetries(policy, (delay) => attempt(target, { ...request, client: body }, delay));
    const mock = wantsMockResponse(client);
    const found = mock
      ? registry.find(record.requestedModel)
      : endpoint === 'moderations'
        ? moderationGroupFor(config, registry, record.requestedModel)
        : registry.resolve(record.requestedModel);
    record.modelGroup = found?.group;
    const first: GroupTarget = {
      group: found?.group ?? record.requestedModel,
      deployments: found?.deployments ?? [mockResponseDeployment(record.requestedModel)],
      mock,
      scripted: { rateLimit: routing.mockRateLimit, timeout: routing.mockTimeout },
    };
    // A `mock_testing_*_fallbacks` switch fails the requested group before any call, as LiteLLM's Router
    // does (so without retries); its fallbacks are then real.
    let result = routing.mockFailure
      ? mockGroupFailure(first, request, mockFailureError(routing.mockFailure, first.group))
      : await inGroup(first);
    if (result.ok || routing.disableFallbacks) return result;
    const fallbacks = effectiveFallbacks(config.fallbacks, first.group, routing);
    const tried = new Set([first.group]);
    for (const group of fallbackGroups(fallbacks, first.group, result.error)) {
      // `mock_response` is answered for any name, as the requested group was.
      const fallback =
        registry.find(group) ?? (mock ? { deployments: [mockResponseDeployment(group)] } : undefined);
      if (tried.has(group)) continue;
      if (signal.aborted || performance.now() >= deadline) break;
      tried.add(group);
      if (fallback === undefined) {
        record.unknownFallbacks = [...(record.unknownFallbacks ?? []), group];
        continue;
      }
      record.attemptedFallbacks++;
      log.debug({ from: first.group, to: group, status: result.error.status }, 'falling back');
      const params = routing.overrides.get(group);
      const target = { group, deployments: fallback.deployments, mock };
      result = await inGroup(target, params ? { ...client, ...params } : client);
      if (result.ok) {
        record.fallbackGroup = group;
        return result;
      }
    }
    return result;
  }
}

/**
 * LiteLLM's moderations: `moderation_model` if set, else the client's model; one the model list lacks
 * (or none) goes to OpenAI itself, which picks its default model when none is named.
 */
function moderationGroupFor(config: GatewayConfig, registry: ModelRegistry, requested: string) {
  const model = config.moderation?.model ?? requested;
  const found = model === '' ? undefined : registry.find(model);
  const openai = config.moderation?.openai;
  // Without OpenAI to ask (a gateway built without the loaded config's default), a model is needed.
  if (model === '' && openai === undefined)
    throw badRequest("Missing required parameter: 'model'", 'model', 'missing_required_parameter');
  if (found !== undefined || openai === undefined) return found ?? registry.resolve(model);
  const group = model === '' ? openai.modelName : model;
  return {
    group,
    deployments: [{ ...openai, modelName: group, model: model === '' ? openai.model : model }],
  };
}

/** `mock_response` for a model the gateway does not serve: LiteLLM answers it anyway. */
function mockResponseDeployment(model: string): Deployment {
  return {
    id: 'mock-response',
    modelName: model,
    provider: 'mock',
    model,
    litellmModel: `mock/${model}`,
    params: {},
    modelInfo: {},
  };
}
