/**
 * Ids in the Responses API's style: a prefix naming the object and 48 hex digits. Clients treat them as
 * opaque, but some log or route on the prefix (`resp_`, `msg_`, `fc_`), so each kind keeps OpenAI's.
 */
import { randomBytes } from 'node:crypto';

const hex = (): string => randomBytes(24).toString('hex');

export const responseId = (): string => `resp_${hex()}`;
export const messageId = (): string => `msg_${hex()}`;
export const reasoningId = (): string => `rs_${hex()}`;
/** The output item of a function call (its `id`), not the call's own `call_id`. */
export const functionCallId = (): string => `fc_${hex()}`;
/** A `call_id` for a tool call whose upstream gave none: the client needs one to send the output back. */
export const callId = (): string => `call_${hex()}`;
/** The output item of a custom tool call. */
export const customToolCallId = (): string => `ctc_${hex()}`;

/** A fresh id for an input item of `type`, for items a client sent without one. */
export function itemId(type: string): string {
  switch (type) {
    case 'message':
      return messageId();
    case 'reasoning':
      return reasoningId();
    case 'function_call':
    case 'function_call_output':
      return functionCallId();
    case 'custom_tool_call':
      return customToolCallId();
    default:
      return `item_${hex()}`;
  }
}
