/**
 * What happened to one request: the result object the response headers are built from now and the
 * trace spans later. The gateway fills it in; nobody else decides what happened.
 */
import type { Deployment } from '../config/types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Endpoint, Usage } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';
import type { Cost } from './cost.ts';

export interface AttemptRecord {
  attempt: number;
  deployment: Deployment;
  provider: string;
  /** `host:port` the call went to (`mock` for the mock provider). */
  apiBase: string;
  /** Epoch milliseconds (fractional) when the call started. */
  startedAt: number;
  latencyMs: number;
  /** The upstream's HTTP status; 0 when no answer came. */
  status: number;
  error?: GatewayError;
  /** Parameters removed under `drop_params` for this call. */
  dropped: string[];
  /** The wait before this attempt, when it is a retry. */
  retryDelayMs?: number;
  /**
   * Epoch milliseconds when the call was over: its answer read, or for a stream its last event or the
   * moment it was cut off. Unset until then.
   */
  endedAt?: number;
  /** True when the call was stopped half-way because the client left (or the gateway shut down). */
  aborted?: boolean;
  /** The timeout the call was given, as chosen (the client's, the deployment's or the global one). */
  timeoutMs?: number;
}

/**
 * How a request ended. `client_closed`: the client went away before the whole answer was written;
 * `client_timeout`: it stopped reading and was cut off; `shutdown`: the gateway stopped it on its way
 * down. Whatever ends a request first decides this; nothing later overwrites it.
 */
export type Ending = 'completed' | 'failed' | 'client_closed' | 'client_timeout' | 'shutdown';

/** The client's request headers, as far as the record needs them (`traceparent`, `x-user-id`, …). */
export type ClientHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Who made the request, when it came with a virtual key: what spend is charged to and what the trace
 * groups by. Never the key itself: its sha256 (`token`) and its alias.
 */
export interface Caller {
  token: string;
  keyAlias?: string;
  keyName?: string;
  userId?: string;
  /** The key's user's `user_email` (LiteLLM's `user_email` metric label). */
  userEmail?: string;
  teamId?: string;
  teamAlias?: string;
  organizationId?: string;
  /** The request's `user` (LiteLLM's end user, or customer). */
  endUser?: string;
  /** The key's and its team's tags (request-tags.ts). */
  tags?: string[];
  /** The key's spend when the request was admitted, and its limits (LiteLLM's `x-litellm-key-*` headers). */
  keySpend?: number;
  maxBudget?: number;
  rpmLimit?: number;
  tpmLimit?: number;
}

export interface RequestRecord {
  callId: string;
  endpoint: Endpoint;
  /** The `model` exactly as the client sent it. */
  requestedModel: string;
  /**
   * The client's request body as received (validated, unchanged), except that an uploaded file is its
   * name, type and size: the record never holds a file's bytes.
   */
  requestBody: JsonObject;
  /**
   * The request in chat's form when the client spoke another dialect (Responses, Messages): what the
   * trace shows as input messages. Unset when it could not be translated.
   */
  chatRequest?: JsonObject;
  /**
   * The Responses API turn this request continues (`previous_response_id`), when the gateway wrote the
   * earlier turns into its input: the first `priorItems` input items are theirs.
   */
  continues?: { responseId: string; priorItems: number };
  /** True when the answering provider spoke the client's dialect itself (its bytes passed through). */
  native?: boolean;
  /**
   * The answer in the client's dialect, as sent (a Responses response object, an Anthropic message), for
   * what keeps answers (`previous_response_id`). For a stream: as far as it went.
   */
  answer?: JsonObject;
  /** `llm.system` of the provider that answered: the API dialect (`openai`, …). */
  system?: string;
  /**
   * The answer as sent to the client: the JSON body, or for streams the assembled message as JSON. For
   * media what the trace may show of it (a transcript's text, audio's type and size), and images' base64
   * as its length.
   */
  output?: string;
  /** `output`'s type; JSON unless said otherwise (a transcript as text). */
  outputMimeType?: 'text/plain' | 'application/json';
  /** The answer's `choices` (for streams: one assistant message assembled from the deltas). */
  outputChoices?: unknown;
  modelGroup?: string;
  /** Fallback groups tried after the requested one failed. */
  attemptedFallbacks: number;
  /** The retry budget of the last failed call's deployment, once a call failed (LiteLLM's max retries). */
  maxRetries?: number;
  /** The fallback group that answered, when one did. */
  fallbackGroup?: string;
  /** Fallback groups named that do not exist: each a failed fallback, with no call (as LiteLLM counts them). */
  unknownFallbacks?: string[];
  stream: boolean;
  startedAt: number;
  startedPerf: number;
  attempts: AttemptRecord[];
  /** The deployment that produced the answer (or the last one tried). */
  deployment?: Deployment;
  usage?: Usage;
  finishReason?: string;
  responseModel?: string;
  /** The answer's `id` as the client got it (`chatcmpl-…`), when it has one. */
  responseId?: string;
  /** What the answer cost in USD, when the model has a price. */
  cost?: Cost;
  /** True when the upstream reported no usage and the tokens were counted locally. */
  usageEstimated?: boolean;
  /** Milliseconds from request start to the first streamed chunk. */
  firstChunkMs?: number;
  finishedPerf?: number;
  error?: GatewayError;
  /** Set when the request is over: how it ended, and the HTTP status the client got (499: it left). */
  ending?: Ending;
  httpStatus?: number;
  /** The client's headers, for its trace context and the user and session it names. */
  clientHeaders: ClientHeaders;
  /** The virtual key the request came with and what it belongs to; unset for the master key or none. */
  caller?: Caller;
  /** The client's address (spend logs' `requester_ip_address`). */
  clientIp?: string;
  /** The route the client called, as registered (`/v1/chat/completions`): a bounded set, for metrics. */
  route?: string;
  /** The client's tags, then its key's and team's (request-tags.ts): for tag routing, spend logs, the span. */
  tags?: string[];
  /** The end user's `allowed_model_region`: only deployments in it may answer. */
  allowedModelRegion?: string;
}

export function newRecord(
  callId: string,
  endpoint: Endpoint,
  requestBody: JsonObject,
  stream: boolean,
  clientHeaders: ClientHeaders = {},
): RequestRecord {
  return {
    callId,
    endpoint,
    // A refused request is traced too, so the body may be any JSON: String() throws on {"toString": 1}.
    requestedModel:
      typeof requestBody.model === 'string' ? requestBody.model : (JSON.stringify(requestBody.model) ?? ''),
    requestBody,
    stream,
    startedAt: Date.now(),
    startedPerf: performance.now(),
    attempts: [],
    attemptedFallbacks: 0,
    clientHeaders,
  };
}

/** Time spent waiting on upstreams, so the gateway's own overhead can be told apart. */
export function upstreamMs(record: RequestRecord): number {
  let total = 0;
  for (const a of record.attempts) total += a.latencyMs + (a.retryDelayMs ?? 0);
  return total;
}
