/**
 * A prompt Gemini refused to answer (`promptFeedback.blockReason`, no candidates) as OpenAI's
 * content-policy error, so that `content_policy_fallbacks` apply to it as to OpenAI's own refusals.
 */
import { GatewayError } from '../../errors/gateway-error.ts';
import type { GenerateContentResponse } from './types.ts';

/** The error for a blocked prompt, or undefined when the prompt was not blocked. */
export function blockedPrompt(response: GenerateContentResponse): GatewayError | undefined {
  const feedback = response.promptFeedback;
  if (feedback?.blockReason === undefined) return undefined;
  const detail = feedback.blockReasonMessage ? `: ${feedback.blockReasonMessage}` : '';
  return new GatewayError(`gemini blocked the prompt (blockReason ${feedback.blockReason})${detail}`, {
    status: 400,
    type: 'invalid_request_error',
    code: 'content_policy_violation',
    upstreamBody: response,
  });
}
