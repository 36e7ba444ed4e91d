/**
 * Reading Anthropic's own answers, when the deployment is Anthropic and the client's body and the
 * upstream's bytes pass through unchanged. The provider's translation into chat's shape already knows
 * how to read them; the trace takes its facts from that.
 */
import { GatewayError } from '../../errors/gateway-error.ts';
import { isObject } from '../../providers/anthropic/json.ts';
import { chatAnswer } from '../../providers/anthropic/response.ts';
import { anthropicStreamTranslator } from '../../providers/anthropic/stream.ts';
import { observeChunk } from '../../providers/openai-compatible/chat-stream.ts';
import type { StreamEvent, StreamSummary } from '../../providers/spec.ts';
import type { JsonObject } from '../../shared/json.ts';
import type { NativeFacts, NativeStream } from '../dialect.ts';
import { errorEvent } from './errors.ts';

export function nativeFacts(json: JsonObject): NativeFacts {
  const answer = chatAnswer(json);
  const facts: NativeFacts = {
    choices: Array.isArray(answer.json.choices) ? answer.json.choices.filter(isObject) : [],
  };
  // chatAnswer counts a missing usage as zeros; the trace should say it is unknown.
  if (isObject(json.usage)) facts.usage = answer.usage;
  if (answer.finishReason !== undefined) facts.finishReason = answer.finishReason;
  if (answer.responseModel !== undefined) facts.responseModel = answer.responseModel;
  return facts;
}

export function nativeStream(): NativeStream {
  const translator = anthropicStreamTranslator();
  let failed: GatewayError | undefined;
  return {
    observe(event: StreamEvent, summary: StreamSummary): void {
      if (!isObject(event.data)) return;
      let chunks: JsonObject[];
      try {
        chunks = translator.data(event.data);
      } catch (err) {
        // An `error` event: it has reached the client as the upstream sent it; the summary keeps what
        // came before, and the request is recorded as failed.
        if (err instanceof GatewayError) failed = err;
        return;
      }
      for (const chunk of chunks) observeChunk(chunk, summary);
      // Usage is known in halves: input at the start, output at the end. A stream the client leaves
      // half-way is still counted for its input.
      const type = event.data.type;
      if (type === 'message_start' || type === 'message_delta')
        observeChunk(translator.usageSoFar(), summary);
    },
    fail: (error: GatewayError) => [errorEvent(error)],
    failure: () => failed,
  };
}
