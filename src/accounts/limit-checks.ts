/**
 * rpm, tpm and parallel limits of a request's holders (key, user, team, …, end user): what each allows,
 * and taking them all or none (a refusal gives back the slots already taken).
 */

import type { Entity } from './entity-table.ts';
import { limitReached } from './errors.ts';
import { type Limiter, secondsToNextWindow } from './limits.ts';

export interface Taken {
  /** The limit scopes whose tokens this request adds to, and the in-flight slots it holds. */
  tokenScopes: string[];
  slots: string[];
}

export interface Limited {
  scope: string;
  label: string;
  rpm?: number;
  tpm?: number;
  parallel?: number;
}

export /** The limits that apply: the entity's own fields, else those of the budget it is linked to. */
function limitsOf(
  scope: string,
  label: string,
  entity: Entity | undefined,
  budget?: Entity,
): Limited | undefined {
  if (entity === undefined) return undefined;
  const pick = (field: string) => {
    const value = entity[field] ?? budget?.[field];
    return typeof value === 'number' && value >= 0 ? value : undefined;
  };
  const limited = {
    scope,
    label,
    rpm: pick('rpm_limit'),
    tpm: pick('tpm_limit'),
    parallel: pick('max_parallel_requests'),
  };
  return limited.rpm === undefined && limited.tpm === undefined && limited.parallel === undefined
    ? undefined
    : limited;
}

/** Takes every limit in turn; throws the first refusal (429) having given back what it took. */
export async function takeAll(
  limiter: Limiter,
  candidates: Array<Limited | undefined>,
  now: number,
): Promise<Taken> {
  const slots: string[] = [];
  const tokenScopes: string[] = [];
  try {
    for (const limit of candidates) {
      if (limit === undefined) continue;
      if (limit.parallel !== undefined) {
        if (!(await limiter.acquire(limit.scope, limit.parallel)))
          throw limitReached(`max_parallel_requests ${limit.parallel} of the ${limit.label} reached`, 1);
        slots.push(limit.scope);
      }
      if (limit.rpm === undefined && limit.tpm === undefined) continue;
      const count =
        limit.rpm !== undefined ? await limiter.hit(limit.scope, now) : await limiter.peek(limit.scope, now);
      if (limit.rpm !== undefined && count.requests > limit.rpm)
        throw limitReached(`rpm_limit ${limit.rpm} of the ${limit.label} reached`, secondsToNextWindow(now));
      if (limit.tpm !== undefined && count.tokens >= limit.tpm)
        throw limitReached(`tpm_limit ${limit.tpm} of the ${limit.label} reached`, secondsToNextWindow(now));
      tokenScopes.push(limit.scope);
    }
  } catch (err) {
    for (const slot of slots) limiter.release(slot);
    throw err;
  }
  return { tokenScopes, slots };
}
