/**
 * One attempt: pick a deployment of the group by the routing strategy, shape the body for it, make the
 * one upstream call, and account for it (routing state, the request's attempt list). It never retries
 * or sleeps: that is the retry policy's (retry.ts), which wraps it.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Deployment, GatewayConfig } from '../config/types.ts';
import type { Dialect } from '../dialects/dialect.ts';
import { clientClosed, GatewayError } from '../errors/gateway-error.ts';
import { getProvider } from '../providers/registry.ts';
import {
  type Answer,
  type Endpoint,
  isStreamingEndpoint,
  type Provider,
  type StreamSuccess,
} from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';
import { inDialect, NativeRefusals, type ProviderCall, providerCall } from './dialect-call.ts';
import type { GatewayLog } from './gateway-log.ts';
import type { AttemptRecord, RequestRecord } from './record.ts';
import { asGatewayError } from './relay.ts';
import { prepareBody } from './request-body.ts';
import { mockRateLimitError, mockTimeoutError } from './request-options.ts';
import type { AttemptResult } from './retry.ts';
import type { RouterState } from './router-state.ts';
import { atLimit, available, choose, simpleShuffle, underLimits } from './routing.ts';
import { byTags, inRegion } from './tag-routing.ts';
import { checkedUsage } from './usage-check.ts';

/** A model group as one attempt sees it; `mock`: answered by the mock provider (`mock_response`). */
export interface GroupTarget {
  group: string;
  deployments: Deployment[];
  mock: boolean;
  /**
   * LiteLLM's testing switches, for the requested group only: its first call answers 429
   * (`mock_testing_rate_limit_error`, consumed by that call) or every call times out (`mock_timeout`).
   */
  scripted?: { rateLimit: boolean; timeout: boolean };
}

/** The request an attempt is made for. */
export interface AttemptRequest {
  endpoint: Endpoint;
  client: JsonObject;
  /** The client's dialect, when it is not chat's. */
  dialect?: Dialect;
  /** Client headers a native call forwards (`anthropic-beta`, …). */
  forwardHeaders?: Readonly<Record<string, string>>;
  stream: boolean;
  record: RequestRecord;
  signal: AbortSignal;
  /** performance.now() time the request must be over by: no call is given longer than what is left. */
  deadline: number;
  /** A deployment to take when it is in the group and open (the one keeping the conversation continued). */
  pinned?: string;
  /** The client's own per-call timeout (`timeout`, `x-litellm-timeout`), before the deployment's. */
  timeoutMs?: number;
}

export interface Answered {
  result: Answer | StreamSuccess;
  attempt: AttemptRecord;
}

export type Attempt = (
  target: GroupTarget,
  request: AttemptRequest,
  retryDelayMs: number | undefined,
) => Promise<AttemptResult<Answered>>;

export function createAttempt(config: GatewayConfig, state: RouterState, log: GatewayLog): Attempt {
  const refusals = new NativeRefusals();
  return async function attempt(target, request, retryDelayMs) {
    const { endpoint, client, dialect, stream, record, signal } = request;
    if (target.scripted?.rateLimit) {
      target.scripted.rateLimit = false;
      return scriptedFailure(target, request, mockRateLimitError(target.group));
    }
    let deployment: Deployment;
    try {
      deployment = target.mock ? simpleShuffle(target.deployments) : await pick(target, request);
    } catch (err) {
      return { ok: false, error: asGatewayError(err) };
    }
    // LiteLLM's order: the client's timeout, the deployment's, the global one.
    const perCall = request.timeoutMs ?? deployment.timeoutMs ?? config.requestTimeoutMs;
    if (target.scripted?.timeout || deployment.mockTimeout) {
      const result = await mockTimeout(target, request, deployment, perCall);
      // Counted as started by pick, and in flight while it waited; no latency to learn from it.
      if (!target.mock) state.finish(deployment.id, 0, false);
      return result;
    }
    const provider = providerFor(target.mock ? 'mock' : deployment.provider);
    // What is left of the deadline, in whole seconds: undici reuses a connection's timer only while the
    // timeout stays the same (a new value each request cost ~15 % of throughput), and its timers have a
    // resolution of a second anyway.
    const left = Math.ceil((request.deadline - performance.now()) / 1000) * 1000;
    const timeoutMs = Math.min(perCall, Math.max(1000, left));

    /** One call to the provider, with the client's body in the form this provider takes. */
    const send = async (call: ProviderCall) => {
      // A body served natively is the client's own, for an API with its own parameters.
      const dropParams = !call.native && (deployment.dropParams ?? config.dropParams);
      const prepared = prepareBody(call.endpoint, call.body, deployment, provider, dropParams);
      for (const param of prepared.dropped)
        log.debug(
          { param, deployment: deployment.id, provider: provider.name },
          'drop_params: dropped a parameter',
        );
      if (target.mock) prepared.body.mock_response = call.body.mock_response;
      const ctx = {
        deployment,
        signal,
        timeoutMs,
        forwardHeaders: call.native ? request.forwardHeaders : undefined,
      };
      const result =
        stream && isStreamingEndpoint(call.endpoint)
          ? await provider.stream(call.endpoint, prepared.body, ctx)
          : await provider.call(call.endpoint, prepared.body, ctx);
      return { prepared, result };
    };

    // Same sub-millisecond clock as the request span, so an attempt never seems to start before it.
    const startedAt = performance.timeOrigin + performance.now();
    let call: ProviderCall;
    let sent: Awaited<ReturnType<typeof send>>;
    try {
      call = providerCall(dialect, endpoint, client, provider, record, refusals.has(deployment.id, endpoint));
      sent = await send(call);
      if (call.native && !sent.result.ok && refusals.refusedBy(deployment.id, endpoint, sent.result.error)) {
        log.warn(
          { deployment: deployment.id, endpoint },
          'the deployment has no native endpoint for this API: translating its requests from now on',
        );
        call = providerCall(dialect, endpoint, client, provider, record, true);
        sent = await send(call);
      }
    } catch (err) {
      return { ok: false, error: asGatewayError(err) };
    }
    const prepared = sent.prepared;
    let result = sent.result;
    // Dialects are conversations: their answers are JSON or streams, never media.
    if (result.ok && result.kind !== 'media' && dialect !== undefined)
      result = inDialect(dialect, call, result, client, record);
    if (result.ok && result.kind !== 'stream') result.usage = checkedUsage(result.usage);
    // A stream's answer starts at its headers; its tokens are counted when it ends.
    if (!target.mock) state.finish(deployment.id, result.latencyMs, result.ok);
    if (!target.mock && result.ok && result.kind !== 'stream')
      state.addTokens(deployment.id, result.usage?.totalTokens ?? 0);
    record.deployment = deployment;
    record.system = provider.system;
    const attempt: AttemptRecord = {
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
      timeoutMs: perCall,
    };
    // A stream's call is over only when its last event is read (relay.ts says when).
    if (!result.ok || result.kind !== 'stream') attempt.endedAt = startedAt + result.latencyMs;
    if (!result.ok && signal.aborted) attempt.aborted = true;
    record.attempts.push(attempt);
    if (result.ok) return { ok: true, value: { result, attempt } };
    // A group's only deployment is never cooled down: that would turn one failure into many.
    if (!target.mock && target.deployments.length > 1 && (await state.failed(deployment.id, result.error)))
      log.warn(
        { deployment: deployment.id, group: target.group },
        'deployment cooling down after repeated failures',
      );
    return { ok: false, error: result.error, deployment };
  };

  /**
   * A deployment of the group by the routing strategy (or the pinned one, while it is open), counted as
   * started (and against its rpm).
   */
  async function pick(
    { group, deployments: all }: GroupTarget,
    request: AttemptRequest,
  ): Promise<Deployment> {
    const { record, pinned } = request;
    let deployments = all;
    if (config.tagFiltering)
      deployments = byTags(group, deployments, record.tags ?? [], config.tagFiltering.matchAny);
    if (record.allowedModelRegion !== undefined)
      deployments = inRegion(group, deployments, record.allowedModelRegion);
    const views = await state.view(deployments.map((d) => d.id));
    let open = underLimits(group, available(group, deployments, views), views);
    for (;;) {
      const deployment = open.find((d) => d.id === pinned) ?? choose(config.routingStrategy, open, views);
      if (await state.start(deployment.id, deployment.rpm)) return deployment;
      // Another request (or replica) took the last of its rpm since the view was read.
      open = open.filter((d) => d !== deployment);
      if (open.length === 0) throw atLimit(group);
    }
  }
}

/**
 * A failure LiteLLM's testing switches ask for, recorded as an attempt like the real one (so retries,
 * fallbacks, headers and the trace count it), with no upstream call and no routing state touched: no
 * deployment really failed. It names a deployment of the group, whose retry budget then applies.
 */
function scriptedFailure(
  target: GroupTarget,
  request: AttemptRequest,
  error: GatewayError,
  deployment: Deployment = simpleShuffle(target.deployments),
  startedAt = performance.timeOrigin + performance.now(),
  timeoutMs?: number,
): AttemptResult<Answered> {
  const record = request.record;
  const latencyMs = performance.timeOrigin + performance.now() - startedAt;
  record.deployment = deployment;
  record.attempts.push({
    attempt: record.attempts.length + 1,
    deployment,
    provider: 'mock',
    apiBase: 'mock',
    startedAt,
    latencyMs,
    endedAt: startedAt + latencyMs,
    status: error.status,
    error,
    dropped: [],
    timeoutMs,
    ...(request.signal.aborted ? { aborted: true } : {}),
  });
  return { ok: false, error, deployment };
}

/** `mock_timeout`: waits the call's timeout (what is left of the deadline at most), then times out. */
async function mockTimeout(
  target: GroupTarget,
  request: AttemptRequest,
  deployment: Deployment,
  timeoutMs: number,
): Promise<AttemptResult<Answered>> {
  const startedAt = performance.timeOrigin + performance.now();
  const wait = Math.max(0, Math.min(timeoutMs, request.deadline - performance.now()));
  let error = mockTimeoutError();
  try {
    await sleep(wait, undefined, { signal: request.signal });
  } catch {
    error = clientClosed();
  }
  return scriptedFailure(target, request, error, deployment, startedAt, timeoutMs);
}

/** `mock_testing_fallbacks` and its kin: the requested group fails before any call (gateway.ts). */
export function mockGroupFailure(
  target: GroupTarget,
  request: AttemptRequest,
  error: GatewayError,
): AttemptResult<Answered> {
  return scriptedFailure(target, request, error);
}

function providerFor(name: string): Provider {
  const provider = getProvider(name);
  if (provider) return provider;
  throw new GatewayError(`Provider "${name}" is not available`, { status: 500, type: 'api_error' });
}
