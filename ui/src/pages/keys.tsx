/**
 * Keys: the virtual keys with their spend against budget, limits, expiry and state; block, unblock and
 * delete; a form for a new key, whose full value is shown once. A listed key shows only its alias and
 * shortened form (`sk-...abcd`), never the key.
 */
import { useEffect, useState } from 'preact/hooks';
import { count, dollars } from '../format.ts';
import { type GeneratedKey, keyLabel, keysApi, type VirtualKey } from '../keys-api.ts';
import { useKeyPrompt } from '../main.tsx';
import { CreatedKey, NewKeyForm } from './key-form.tsx';

/** "$0.0123 of $1.00" and a bar; without a budget, the spend alone. */
export function SpendBar({ spend, budget }: { spend: number; budget: number | null }) {
  if (budget === null || budget === undefined)
    return (
      <span class="spend-text">
        {dollars(spend)} <span class="muted">no budget</span>
      </span>
    );
  const share = budget > 0 ? Math.min(1, spend / budget) : 1;
  const level = share >= 1 ? 'over' : share >= 0.8 ? 'near' : '';
  return (
    <div class="spend-budget">
      <span class="spend-text">
        {dollars(spend)} of {dollars(budget)}
      </span>
      <div class="budget-track" title={`${(share * 100).toFixed(1)} % of the budget spent`}>
        <div class={`budget-fill ${level}`} style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}

function stateOf(k: VirtualKey, now: number): [string, 'ok' | 'err'] {
  if (k.blocked) return ['blocked', 'err'];
  if (k.expires && Date.parse(k.expires) <= now) return ['expired', 'err'];
  if (k.max_budget !== null && k.max_budget !== undefined && k.spend >= k.max_budget)
    return ['over budget', 'err'];
  return ['active', 'ok'];
}

const day = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';

function limits(k: VirtualKey): string {
  const parts: string[] = [];
  if (k.rpm_limit !== null && k.rpm_limit !== undefined) parts.push(`${count(k.rpm_limit)} req/min`);
  if (k.tpm_limit !== null && k.tpm_limit !== undefined) parts.push(`${count(k.tpm_limit)} tok/min`);
  if (k.max_parallel_requests !== null && k.max_parallel_requests !== undefined)
    parts.push(`${count(k.max_parallel_requests)} parallel`);
  return parts.join(' · ') || '–';
}

export function KeysPage() {
  const [keys, setKeys] = useState<VirtualKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { reload, again: refresh, passed, needKey, failed, prompt } = useKeyPrompt();
  const [created, setCreated] = useState<GeneratedKey | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  useEffect(() => {
    keysApi.list().then((r) => {
      setKeys(r.keys);
      passed();
    }, failed(setError));
  }, [reload]);

  if (prompt) return prompt;
  const act = (work: Promise<unknown>, done: string) =>
    work.then(() => {
      setNotice(done);
      setError(null);
      setConfirming(null);
      refresh();
    }, failed(setError));
  const now = Date.now();

  return (
    <section class="keys">
      <div class="page-head">
        <h2>Virtual keys</h2>
        <button type="button" class="refresh" onClick={refresh}>
          Refresh
        </button>
      </div>
      {created && <CreatedKey created={created} onDone={() => setCreated(null)} />}
      {error && <p class="error">{error}</p>}
      {notice && <p class="notice">{notice}</p>}
      {keys === null ? (
        !error && <p class="muted">Loading…</p>
      ) : keys.length === 0 ? (
        <p class="empty">No virtual keys yet. Create one below: give it a budget, models and limits.</p>
      ) : (
        <div class="table-wrap">
          <table class="traces key-table">
            <thead>
              <tr>
                <th>Key</th>
                <th>Models</th>
                <th>Spend</th>
                <th>Budget resets</th>
                <th>Limits</th>
                <th class="wide">Owner</th>
                <th>Expires</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => {
                const [state, tone] = stateOf(k, now);
                const label = keyLabel(k);
                return (
                  <tr key={k.token} data-token={k.token} data-alias={k.key_alias ?? ''}>
                    <td class="key-name">
                      {label}
                      {k.key_alias && k.key_name && <div class="muted mono">{k.key_name}</div>}
                    </td>
                    <td class="key-models">{k.models?.length ? k.models.join(', ') : 'all'}</td>
                    <td class="spend">
                      <SpendBar spend={Number(k.spend) || 0} budget={k.max_budget} />
                    </td>
                    <td>
                      {k.budget_duration ? `every ${k.budget_duration}` : '–'}
                      {k.budget_reset_at && <div class="muted">next {day(k.budget_reset_at)}</div>}
                    </td>
                    <td class="limits">{limits(k)}</td>
                    <td class="wide">{[k.user_id, k.team_id].filter(Boolean).join(' / ') || '–'}</td>
                    <td>{k.expires ? day(k.expires) : 'never'}</td>
                    <td>
                      <span class={`status key-state ${tone}`}>{state}</span>
                    </td>
                    <td class="actions">
                      {k.blocked ? (
                        <button
                          type="button"
                          class="unblock"
                          onClick={() => act(keysApi.unblock(k.token), `${label} unblocked`)}
                        >
                          Unblock
                        </button>
                      ) : (
                        <button
                          type="button"
                          class="block"
                          onClick={() => act(keysApi.block(k.token), `${label} blocked`)}
                        >
                          Block
                        </button>
                      )}{' '}
                      {confirming === k.token ? (
                        <>
                          <button
                            type="button"
                            class="confirm-delete danger"
                            onClick={() => act(keysApi.remove(k.token), `${label} deleted`)}
                          >
                            Delete for good
                          </button>{' '}
                          <button type="button" onClick={() => setConfirming(null)}>
                            Cancel
                          </button>
                        </>
                      ) : (
                        <button type="button" class="delete" onClick={() => setConfirming(k.token)}>
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <NewKeyForm
        onAuth={needKey}
        onCreated={(k) => {
          setCreated(k);
          setNotice(null);
          refresh();
        }}
      />
    </section>
  );
}
