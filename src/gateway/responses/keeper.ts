/**
 * Keeps each Responses API answer the gateway gave (unless the client said `store: false`), as a
 * subscriber to the end of requests: a translated one whole, a native one as the deployment that made
 * it (store.ts). Only answers that completed are kept: a cut-off turn is no conversation to continue.
 */
import { inputItems } from '../../dialects/responses/conversation.ts';
import type { FinishListener } from '../gateway.ts';
import type { ResponseStore, StoredResponse } from './store.ts';

export function keepResponses(store: ResponseStore, warn: (err: unknown) => void): FinishListener {
  return (record) => {
    if (record.endpoint !== 'responses' || record.error !== undefined || record.ending !== 'completed')
      return;
    if (record.requestBody.store === false || record.answer === undefined) return;
    const id = record.answer.id;
    if (typeof id !== 'string' || id === '') return;
    const continues = record.continues;
    const entry: StoredResponse = record.native
      ? { id, createdAt: Date.now(), deploymentId: record.deployment?.id, group: record.modelGroup }
      : {
          id,
          createdAt: Date.now(),
          response: record.answer,
          // The request was given the earlier turns (expand.ts); they are kept with their own responses.
          input: inputItems(record.requestBody).slice(continues?.priorItems ?? 0),
          previous: continues?.responseId,
        };
    store.put(entry).catch(warn);
  };
}
