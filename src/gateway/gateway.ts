/**
 * The gateway core: picks a deployment for the requested model, calls its provider, retries what is
 * worth retrying, and reports the outcome as a value with its RequestRecord. Knows nothing of HTTP
 * servers, so a test can drive it with plain objects.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Deployment, GatewayConfig } from '../config/types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { clientClosed } from '../providers/http/upstream-error.ts';
import { mockProvider } from '../providers/mock/provider.ts';
import { getProvider } from '../providers/registry.ts';
import type { CallFailure, Endpoint, JsonSuccess, Provider, StreamSuccess } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';
import { backoffMs, MAX_RETRY_AFTER_MS } from './backoff.ts';
import { costOf } from './cost.ts';
import { fallbackGroups } from './fallbacks.ts';
import type { ModelRegistry } from './model-registry.ts';
import { newRecord, type RequestRecord } from './record.ts';
import { prepareBody, wantsMockResponse } from './request-body.ts';
import { MemoryState, type RouterState } from './router-state.ts';
import { atLimit, available, choose, simpleShuffle, underLimits } from './routing.ts';
import { asGatewayError, relayStream } from './sse-relay.ts';
import { StreamUsage } from './stream-usage.ts';

export type Outcome =
  | { kind: 'json'; status: number; body: string; headers: Record<string, string>; record: RequestRecord }
  | { kind: 'stream'; headers: Record<string, string>; chunks: AsyncIterable<string>; record: RequestRecord }
  | { kind: 'error'; error: GatewayError; record: RequestRecord };

export interface HandleOptions {
  callId: string;
  signal: AbortSignal;
  /** Called once when a request is completely over (a stream's last byte, or its failure). */
  onEnd?: (record: RequestRecord) => void;
}

export interface GatewayLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** One client request on its way through route() and tryGroup(). */
interface Attempting {
  endpoint: Endpoint;
  client: JsonObject;
  stream: boolean;
  record: RequestRecord;
  signal: AbortSignal;
  onEnd: (r: RequestRecord) => void;
}

export interface Gateway {
  handle(endpoint: Endpoint, body: JsonObject, options: HandleOptions): Promise<Outcome>;
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
  const streamUsage = new StreamUsage();
  return {
    close: () => state.close(),
    async handle(endpoint, client, options) {
      const stream = client.stream === true && endpoint !== 'embeddings';
      const record = newRecord(options.callId, endpoint, client, stream);
      const onEnd = options.onEnd ?? (() => {});
      try {
        const outcome = await route(endpoint, client, stream, record, options.signal, onEnd);
        if (outcome.kind !== 'stream')
          finish(record, outcome.kind === 'error' ? outcome.error : undefined, onEnd);
        return outcome;
      } catch (err) {
        const error = asGatewayError(err);
        if (error.status >= 500 && !(err instanceof GatewayError))
          log.warn({ err }, 'unexpected gateway failure');
        finish(record, error, onEnd);
        return { kind: 'error', error, record };
      }
    },
  };

  async function route(
    endpoint: Endpoint,
    client: JsonObject,
    stream: boolean,
    record: RequestRecord,
    signal: AbortSignal,
    onEnd: (r: RequestRecord) => void,
  ): Promise<Outcome> {
    const request: Attempting = { endpoint, client, stream, record, signal, onEnd };
    const mock = wantsMockResponse(client);
    const target = mock ? registry.find(record.requestedModel) : registry.resolve(record.requestedModel);
    record.modelGroup = target?.group;
    const deployments = target?.deployments ?? [mockResponseDeployment(record.requestedModel)];
    let outcome = await tryGroup(target?.group ?? record.requestedModel, deployments, mock, request);
    if (outcome.kind !== 'error' || mock || target === undefined) return outcome;
    const tried = new Set([target.group]);
    for (const group of fallbackGroups(config.fallbacks, target.group, outcome.error)) {
      const fallback = registry.find(group);
      if (tried.has(group) || fallback === undefined || signal.aborted) continue;
      tried.add(group);
      record.attemptedFallbacks++;
      log.debug({ from: target.group, to: group, status: outcome.error.status }, 'falling back');
      outcome = await tryGroup(group, fallback.deployments, false, request);
      if (outcome.kind !== 'error') {
        record.fallbackGroup = group;
        return outcome;
      }
    }
    return outcome;
  }

  /** Calls the group's deployments, retrying what is worth retrying, until one answers or it gives up. */
  async function tryGroup(
    group: string,
    deployments: Deployment[],
    mock: boolean,
    { endpoint, client, stream, record, signal, onEnd }: Attempting,
  ): Promise<Outcome> {
    let retryDelayMs: number | undefined;
    for (let attempt = 1; ; attempt++) {
      let deployment: Deployment;
      try {
        deployment = mock ? simpleShuffle(deployments) : await pick(group, deployments);
      } catch (err) {
        return { kind: 'error', error: asGatewayError(err), record };
      }
      const provider: Provider = mock ? mockProvider : providerFor(deployment);
      const prepared = prepareBody(
        endpoint,
        client,
        deployment,
        provider,
        deployment.dropParams ?? config.dropParams,
      );
      for (const param of prepared.dropped) {
        log.debug(
          { param, deployment: deployment.id, provider: provider.name },
          'drop_params: dropped a parameter',
        );
      }
      if (mock) prepared.body.mock_response = client.mock_response;
      record.usageInjected = stream && streamUsage.inject(prepared.body, deployment.id);
      const ctx = { deployment, signal, timeoutMs: deployment.timeoutMs ?? config.requestTimeoutMs };
      // Same sub-millisecond clock as the request span, so an attempt never seems to start before it.
      const startedAt = performance.timeOrigin + performance.now();
      const result =
        stream && endpoint !== 'embeddings'
          ? await provider.stream(endpoint, prepared.body, ctx)
          : await provider.call(endpoint, prepared.body, ctx);
      // A stream's answer starts at its headers; its tokens are counted at its end (countTokens).
      if (!mock) state.finish(deployment.id, result.latencyMs, result.ok);
      if (!mock && result.ok && result.kind === 'json')
        state.addTokens(deployment.id, result.usage?.totalTokens ?? 0);
      record.deployment = deployment;
      record.system = provider.system;
      record.attempts.push({
        attempt: record.attempts.length + 1,
        deployment,
        provider: provider.name,
        apiBase: result.apiBase,
        startedAt,
        latencyMs: result.latencyMs,
        status: result.status,
        error: result.ok ? undefined : result.error,
        dropped: prepared.dropped,
        retryDelayMs,
      });
      if (result.ok) return success(result, record, mock ? onEnd : countTokens(deployment.id, onEnd));
      // A group's only deployment is never cooled down: that would turn one failure into many.
      if (!mock && deployments.length > 1 && (await state.failed(deployment.id, result.error)))
        log.warn({ deployment: deployment.id, group }, 'deployment cooling down after repeated failures');
      if (record.usageInjected && streamUsage.refusedBy(result.error, deployment.id)) {
        log.debug({ deployment: deployment.id }, 'upstream refuses stream_options: calling it without');
        continue;
      }
      const wait = retryWait(result, attempt, deployment, signal);
      if (wait === undefined) return { kind: 'error', error: result.error, record };
      retryDelayMs = wait;
      log.debug(
        { deployment: deployment.id, attempt, waitMs: Math.round(wait), status: result.status },
        'retrying',
      );
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        return { kind: 'error', error: clientClosed(), record };
      }
    }
  }

  /** A deployment of the group by the routing strategy, counted as started (and against its rpm). */
  async function pick(group: string, deployments: Deployment[]): Promise<Deployment> {
    const views = await state.view(deployments.map((d) => d.id));
    let open = underLimits(group, available(group, deployments, views), views);
    for (;;) {
      const deployment = choose(config.routingStrategy, open, views);
      if (await state.start(deployment.id, deployment.rpm)) return deployment;
      // Another request (or replica) took the last of its rpm since the view was read.
      open = open.filter((d) => d !== deployment);
      if (open.length === 0) throw atLimit(group);
    }
  }

  /** For streams: counts the tokens against the deployment's tpm once the stream is over. */
  function countTokens(id: string, onEnd: (r: RequestRecord) => void) {
    return (r: RequestRecord) => {
      if (r.stream) state.addTokens(id, r.usage?.totalTokens ?? 0);
      onEnd(r);
    };
  }

  /** How long to wait before the next attempt, or undefined when this failure is final. */
  function retryWait(failure: CallFailure, attempt: number, deployment: Deployment, signal: AbortSignal) {
    const retries = deployment.maxRetries ?? config.numRetries;
    if (!failure.error.retryable || attempt > retries || signal.aborted) return undefined;
    const retryAfter = failure.error.retryAfterSeconds;
    if (retryAfter !== undefined && retryAfter * 1000 > MAX_RETRY_AFTER_MS) return undefined;
    return backoffMs(attempt, retryAfter);
  }
}

function success(
  result: JsonSuccess | StreamSuccess,
  record: RequestRecord,
  onEnd: (r: RequestRecord) => void,
): Outcome {
  if (result.kind === 'json') {
    record.usage = result.usage;
    record.finishReason = result.finishReason;
    record.responseModel = result.responseModel;
    record.output = result.body;
    record.outputChoices = result.json.choices;
    if (record.deployment) record.cost = costOf(record.deployment, record.usage);
    return { kind: 'json', status: result.status, body: result.body, headers: result.headers, record };
  }
  // A stream's usage is known only at its end, so its cost is too.
  const priced = (r: RequestRecord) => {
    if (r.deployment) r.cost = costOf(r.deployment, r.usage);
    onEnd(r);
  };
  return {
    kind: 'stream',
    headers: result.headers,
    chunks: relayStream(result.batches, record, priced),
    record,
  };
}

function finish(
  record: RequestRecord,
  error: GatewayError | undefined,
  onEnd: (r: RequestRecord) => void,
): void {
  record.error = error;
  record.finishedPerf = performance.now();
  onEnd(record);
}

function providerFor(deployment: Deployment): Provider {
  const provider = getProvider(deployment.provider);
  if (provider) return provider;
  throw new GatewayError(`Provider "${deployment.provider}" is not available`, {
    status: 500,
    type: 'api_error',
  });
}

/** Spread load across a group's deployments; routing strategies replace this later. */
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
