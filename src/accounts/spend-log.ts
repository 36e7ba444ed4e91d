/**
 * A finished request as a spend log row: LiteLLM_SpendLogs' fields (`startTime` as `start_time`, …),
 * from the gateway's record of it. Every LLM request gets one, the master key's too (LiteLLM logs those
 * under the master key's hash).
 */
import type { RequestRecord } from '../gateway/record.ts';
import type { SqlValue } from './sql/db.ts';

/** LiteLLM's call types, by endpoint. */
const CALL_TYPES: Record<string, string> = {
  chat: 'acompletion',
  completions: 'atext_completion',
  embeddings: 'aembedding',
  responses: 'aresponses',
  messages: 'anthropic_messages',
  moderations: 'amoderation',
  image_generations: 'aimage_generation',
  speech: 'aspeech',
  transcriptions: 'atranscription',
  rerank: 'arerank',
};

export interface SpendRow {
  call_id: string;
  request_id: string;
  call_type: string;
  api_key: string;
  key_alias: string | null;
  spend: number;
  total_tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  start_time: string;
  end_time: string;
  completion_start_time: string | null;
  model: string;
  model_id: string | null;
  model_group: string | null;
  custom_llm_provider: string | null;
  api_base: string | null;
  user_id: string | null;
  team_id: string | null;
  organization_id: string | null;
  end_user: string | null;
  requester_ip_address: string | null;
  status: string;
  cache_hit: string | null;
  request_tags: string;
  session_id: string | null;
  metadata: string;
}

export const SPEND_COLUMNS = [
  'call_id',
  'request_id',
  'call_type',
  'api_key',
  'key_alias',
  'spend',
  'total_tokens',
  'prompt_tokens',
  'completion_tokens',
  'start_time',
  'end_time',
  'completion_start_time',
  'model',
  'model_id',
  'model_group',
  'custom_llm_provider',
  'api_base',
  'user_id',
  'team_id',
  'organization_id',
  'end_user',
  'requester_ip_address',
  'status',
  'cache_hit',
  'request_tags',
  'session_id',
  'metadata',
] as const satisfies ReadonlyArray<keyof SpendRow>;

/** `masterToken`: the master key's hash, the `api_key` of requests made with it. */
export function spendRow(record: RequestRecord, masterToken: string): SpendRow {
  const caller = record.caller;
  const usage = record.usage;
  const ended = record.startedAt + ((record.finishedPerf ?? performance.now()) - record.startedPerf);
  const attempt = record.attempts.at(-1);
  const body = record.requestBody;
  const endUser = caller?.endUser ?? endUserOf(body.user);
  const metadata = {
    user_api_key: caller?.token ?? masterToken,
    user_api_key_alias: caller?.keyAlias ?? null,
    user_api_key_user_id: caller?.userId ?? null,
    user_api_key_team_id: caller?.teamId ?? null,
    user_api_key_team_alias: caller?.teamAlias ?? null,
    user_api_key_org_id: caller?.organizationId ?? null,
    status: record.error === undefined ? 'success' : 'failure',
    error_information:
      record.error === undefined
        ? null
        : {
            error_class: record.error.type,
            error_code: String(record.error.status),
            error_message: record.error.message,
          },
    usage_object: usage
      ? {
          prompt_tokens: usage.promptTokens,
          completion_tokens: usage.completionTokens,
          total_tokens: usage.totalTokens,
          prompt_tokens_details: {
            cached_tokens: usage.cachedTokens ?? 0,
            cache_creation_tokens: usage.cacheWriteTokens ?? 0,
          },
          completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
        }
      : null,
    attempted_retries: Math.max(0, record.attempts.length - 1),
    attempted_fallbacks: record.attemptedFallbacks,
  };
  return {
    call_id: record.callId,
    // The answer's id, as LiteLLM logs it (clients look their request up by it); the call id without one.
    request_id: record.responseId ?? record.callId,
    call_type: CALL_TYPES[record.endpoint] ?? record.endpoint,
    api_key: caller?.token ?? masterToken,
    key_alias: caller?.keyAlias ?? null,
    spend: record.cost?.total ?? 0,
    total_tokens: usage?.totalTokens ?? 0,
    prompt_tokens: usage?.promptTokens ?? 0,
    completion_tokens: usage?.completionTokens ?? 0,
    start_time: new Date(record.startedAt).toISOString(),
    end_time: new Date(ended).toISOString(),
    completion_start_time:
      record.firstChunkMs === undefined
        ? null
        : new Date(record.startedAt + record.firstChunkMs).toISOString(),
    model: record.responseModel ?? record.deployment?.model ?? record.requestedModel,
    model_id: record.deployment?.id ?? null,
    model_group: record.modelGroup ?? record.requestedModel,
    custom_llm_provider: record.deployment?.provider ?? null,
    api_base: attempt?.apiBase ?? null,
    user_id: caller?.userId ?? null,
    team_id: caller?.teamId ?? null,
    organization_id: caller?.organizationId ?? null,
    end_user: endUser ?? null,
    requester_ip_address: record.clientIp ?? null,
    status: record.error === undefined ? 'success' : 'failure',
    cache_hit: 'False',
    request_tags: JSON.stringify(record.tags ?? caller?.tags ?? []),
    session_id:
      typeof record.clientHeaders['x-session-id'] === 'string' ? record.clientHeaders['x-session-id'] : null,
    metadata: JSON.stringify(metadata),
  };
}

export function rowValues(row: SpendRow): SqlValue[] {
  return SPEND_COLUMNS.map((c) => row[c]);
}

/** The request's `user`, when it is one (a bounded string: it becomes an end user's row). */
export function endUserOf(user: unknown): string | undefined {
  return typeof user === 'string' && user !== '' && user.length <= 256 ? user : undefined;
}
