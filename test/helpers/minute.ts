/**
 * Rate limits count in fixed wall-clock minutes (as LiteLLM's do). A test that makes a few requests and
 * expects the last ones refused fails when a minute ends between them, so it starts well clear of the end.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Waits for the next minute when fewer than `marginMs` are left of this one. */
export async function awayFromMinuteEnd(marginMs = 10_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await sleep(left + 100);
}
