/**
 * What a stream leaves in its request's record when it is over, however it ended: the text, tool calls
 * and reasoning relayed until then, usage (counted locally and marked estimated when the upstream
 * reported none), finish reason, served model and cost.
 */
import type { StreamSummary } from '../providers/spec.ts';
import type { JsonObject } from '../shared/json.ts';
import { costOf } from './cost.ts';
import type { RequestRecord } from './record.ts';
import { estimateUsage, prepareTokenizer } from './token-estimate.ts';
import { checkedUsage } from './usage-check.ts';

/**
 * `cutShort`: the client left (or the gateway stopped) before the end. Its tokens are then counted with
 * the tokenizer only if it is already loaded: a hang-up says nothing about the upstream, and loading the
 * tables (~70 MB) for it would make every gateway pay that memory for clients that merely hang up.
 */
export async function recordStreamEnd(
  record: RequestRecord,
  summary: StreamSummary,
  cutShort: boolean,
): Promise<void> {
  record.finishReason = summary.finishReason;
  record.responseModel = summary.responseModel;
  record.responseId = summary.responseId;
  record.usage = checkedUsage(summary.usage);
  const relayed = summary.text !== '' || (summary.toolCalls?.length ?? 0) > 0;
  if (record.usage === undefined && relayed) {
    // An upstream that ended its stream without usage will do so again: load the tokenizer (once; this
    // stream ends a little later) for exact counts from now on.
    if (!cutShort) await prepareTokenizer();
    const toolText = (summary.toolCalls ?? []).map((c) => `${c.name ?? ''}${c.arguments}`).join('');
    const usage = estimateUsage(record.requestBody, summary.text + toolText);
    // Text past what the summary keeps is counted at the rate of the text it kept.
    const dropped = summary.textLength - summary.text.length;
    if (dropped > 0 && summary.text.length > 0) {
      usage.completionTokens += Math.ceil((dropped * usage.completionTokens) / summary.text.length);
      usage.totalTokens = usage.promptTokens + usage.completionTokens;
    }
    record.usage = usage;
    record.usageEstimated = true;
  }
  if (relayed || summary.finishReason !== undefined) {
    const message = assistantMessage(summary);
    record.outputChoices = [{ index: 0, message, finish_reason: summary.finishReason ?? null }];
    record.output = JSON.stringify(message);
  }
  if (record.deployment) record.cost = costOf(record.deployment, record.usage);
}

/** The streamed answer as the one chat message it adds up to. */
function assistantMessage(summary: StreamSummary): JsonObject {
  const message: JsonObject = { role: 'assistant', content: summary.text };
  if (summary.reasoning !== undefined) message.reasoning_content = summary.reasoning;
  if (summary.toolCalls !== undefined && summary.toolCalls.length > 0)
    message.tool_calls = summary.toolCalls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    }));
  return message;
}
