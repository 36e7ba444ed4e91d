/**
 * The request path's side of virtual keys: admits a request (admission.ts) and, when it has finished,
 * gives back its in-flight slots, adds its tokens to the tpm windows, charges its cost (spend.ts) and
 * warns once when a key passes its `soft_budget`.
 */

import type { Caller, RequestRecord } from '../gateway/record.ts';
import type { Accounts, Principal } from './accounts.ts';
import { type Admission, type AdmitRequest, admit, callerOf, mayUse } from './admission.ts';
import type { BudgetAlerts } from './budget-alerts.ts';
import { admitEndUser } from './end-user-admission.ts';
import type { Taken } from './limit-checks.ts';
import type { Limiter } from './limits.ts';
import type { ModelFacts } from './model-access.ts';
import type { SpendWriter } from './spend.ts';

export class KeyGate {
  readonly accounts: Accounts;
  readonly spend: SpendWriter;
  readonly #limiter: Limiter;
  readonly #facts: (model: string) => ModelFacts;
  readonly #inFlight = new Map<string, Taken>();
  readonly #warn: (message: string) => void;
  /** Keys already warned about in this process, so a soft budget is said once, not per request. */
  readonly #softWarned = new Set<string>();
  /** Budget alerts to send (`alerting: ["webhook"]`); none when unset. */
  readonly #alerts: BudgetAlerts | undefined;

  constructor(options: {
    accounts: Accounts;
    limiter: Limiter;
    spend: SpendWriter;
    facts: (model: string) => ModelFacts;
    warn: (message: string) => void;
    alerts?: BudgetAlerts;
  }) {
    this.accounts = options.accounts;
    this.spend = options.spend;
    this.#limiter = options.limiter;
    this.#facts = options.facts;
    this.#warn = options.warn;
    this.#alerts = options.alerts;
  }

  /** Throws the refusal (a GatewayError in LiteLLM's words); else the request may go, as `callId`. */
  async admit(callId: string, principal: Principal, request: AdmitRequest): Promise<Admission> {
    const admission = await admit(
      this.accounts,
      this.#limiter,
      principal,
      request,
      this.#facts,
      this.#alerts,
    );
    this.#inFlight.set(callId, admission);
    return admission;
  }

  /**
   * A request with the master key (or none) that names an end user: that end user's checks only. Gives
   * the end user's `allowed_model_region`.
   */
  async admitEndUser(callId: string, endUser: string, now: number): Promise<string | undefined> {
    const taken = await admitEndUser(this.accounts, this.#limiter, endUser, now, this.#alerts);
    if (taken.slots.length > 0 || taken.tokenScopes.length > 0) this.#inFlight.set(callId, taken);
    return taken.region;
  }

  /** Whether a key may use a model: `/v1/models` lists a key only those. */
  mayUse(principal: Principal, model: string): boolean {
    return mayUse(principal, this.#facts(model));
  }

  /** Who the request is from, before (or without) admitting it. */
  callerOf(principal: Principal, endUser: string | undefined): Caller {
    return callerOf(principal, endUser);
  }

  /** A gateway finish listener. */
  finish(record: RequestRecord): void {
    const admission = this.#inFlight.get(record.callId);
    if (admission !== undefined) {
      this.#inFlight.delete(record.callId);
      for (const slot of admission.slots) this.#limiter.release(slot);
      const tokens = record.usage?.totalTokens ?? 0;
      if (tokens > 0)
        for (const scope of admission.tokenScopes)
          this.#limiter.addTokens(scope, tokens, Date.now()).catch(() => {});
    }
    this.spend.charge(record);
    if (record.caller !== undefined && (record.cost?.total ?? 0) > 0)
      void this.#softBudget(record.caller.token);
  }

  /** Gives back the shared slots this process holds (its requests are over by now). */
  async closeLimits(): Promise<void> {
    await this.#limiter.close?.();
  }

  async #softBudget(token: string): Promise<void> {
    if (this.#softWarned.has(token)) return;
    // The lookup the request was admitted with: a database read per request only to find no soft budget
    // would cost more than the warning is worth.
    const key = this.accounts.cached(token)?.key;
    const soft = key?.soft_budget;
    if (key === undefined || typeof soft !== 'number') return;
    await this.spend.flush();
    const fresh = await this.accounts.tables.keys.get(this.accounts.db, token);
    if (fresh === undefined || Number(fresh.spend) < soft) return;
    this.#softWarned.add(token);
    this.#warn(
      `virtual key ${String(key.key_alias ?? key.key_name)} passed its soft budget: spend $${Number(fresh.spend).toFixed(4)} of soft budget $${soft}`,
    );
  }
}
