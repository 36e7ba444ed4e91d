/**
 * Alerts: the rules with an "evaluate now" button, a form for a new rule (metric, model, window,
 * threshold, webhook URL and body template), and the history of firings and recoveries.
 */
import { useEffect, useState } from 'preact/hooks';
import { type AlertHistory, type AlertRule, alertsApi } from '../api.ts';
import { localTime } from '../format.ts';
import { useKeyPrompt } from '../main.tsx';

const METRIC_LABEL: Record<AlertRule['metric'], string> = {
  error_rate: 'Error rate',
  p95_latency_ms: 'p95 latency (ms)',
  cost: 'Cost (USD)',
};

const TEMPLATE_HINT =
  '{"text": "{alert_name} {alert_type}: {model} {metric} = {value} (threshold {threshold})"}';

export function AlertsPage() {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [history, setHistory] = useState<AlertHistory[]>([]);
  const [error, setError] = useState<string | null>(null);
  const { reload, again: refresh, passed, failed, prompt } = useKeyPrompt();
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([alertsApi.rules(), alertsApi.history()]).then(([r, h]) => {
      setRules(r.list);
      setHistory(h.list);
      passed();
    }, failed(setError));
  }, [reload]);

  if (prompt) return prompt;
  const act = (work: Promise<unknown>, done: string) =>
    work.then(
      () => {
        setNotice(done);
        setError(null);
        refresh();
      },
      (err: Error) => setError(err.message),
    );

  return (
    <section class="alerts">
      <h2>Rules</h2>
      {error && <p class="error">{error}</p>}
      {notice && <p class="notice">{notice}</p>}
      {rules === null ? (
        <p class="muted">Loading…</p>
      ) : rules.length === 0 ? (
        <p class="empty">
          No alert rules yet. Create one below: for example, error rate ≥ 0.05 per model over 5 minutes.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="traces rules">
            <thead>
              <tr>
                <th>Name</th>
                <th>Condition</th>
                <th>Scope</th>
                <th>Every</th>
                <th>Webhooks</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.name} data-rule={r.name}>
                  <td>{r.name}</td>
                  <td>
                    {METRIC_LABEL[r.metric]} {r.operator} {r.threshold} over {r.period} min
                  </td>
                  <td>{r.model ?? (r.per_model ? 'each model' : 'all models')}</td>
                  <td>{r.frequency} min</td>
                  <td>{r.destinations.join(', ') || '–'}</td>
                  <td class="actions">
                    <button
                      type="button"
                      class="evaluate"
                      onClick={() =>
                        alertsApi.evaluate(r.name).then(
                          (res) => {
                            setNotice(
                              res.firing.length
                                ? `${r.name}: firing for ${res.firing.join(', ')}`
                                : `${r.name}: not firing`,
                            );
                            refresh();
                          },
                          (err: Error) => setError(err.message),
                        )
                      }
                    >
                      Evaluate now
                    </button>{' '}
                    <button type="button" onClick={() => act(alertsApi.remove(r.name), `${r.name} deleted`)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewRule onCreated={(name) => act(Promise.resolve(), `${name} created`)} onError={setError} />
      <h2>History</h2>
      {history.length === 0 ? (
        <p class="muted">No firings yet.</p>
      ) : (
        <table class="traces history">
          <thead>
            <tr>
              <th>Time</th>
              <th>Rule</th>
              <th>Event</th>
              <th>Model</th>
              <th class="num">Value</th>
              <th>Webhook</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={`${h.at}-${h.alert_name}-${h.group}-${h.kind}`}>
                <td>{localTime(h.at * 1e6)}</td>
                <td>{h.alert_name}</td>
                <td>
                  <span class={`status ${h.kind === 'firing' ? 'err' : 'ok'}`}>{h.kind}</span>
                </td>
                <td>{h.group ?? 'all models'}</td>
                <td class="num">{Number(h.value.toPrecision(4))}</td>
                <td>
                  {h.delivered
                    ? `sent (${h.attempts} attempt${h.attempts === 1 ? '' : 's'})`
                    : (h.error ?? 'not sent')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NewRule({
  onCreated,
  onError,
}: {
  onCreated: (name: string) => void;
  onError: (message: string) => void;
}) {
  const [form, setForm] = useState({
    name: '',
    metric: 'error_rate' as AlertRule['metric'],
    model: '',
    operator: '>=' as AlertRule['operator'],
    threshold: '0.05',
    period: '5',
    webhook: '',
    template: '',
  });
  const field = (name: keyof typeof form) => ({
    name,
    value: form[name],
    onInput: (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value }),
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const destinations: string[] = [];
      if (form.webhook.trim()) {
        await alertsApi.saveDestination({ name: `${form.name}-webhook`, url: form.webhook.trim() });
        destinations.push(`${form.name}-webhook`);
      }
      await alertsApi.create({
        name: form.name,
        metric: form.metric,
        ...(form.model.trim() ? { model: form.model.trim() } : { per_model: true }),
        operator: form.operator,
        threshold: Number(form.threshold),
        period: Number(form.period),
        destinations,
        ...(form.template.trim() ? { template: form.template } : {}),
      });
      onCreated(form.name);
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="filters new-rule" onSubmit={submit}>
      <h3>New rule</h3>
      <label>
        Name
        <input required placeholder="errors" {...field('name')} />
      </label>
      <label>
        Metric
        <select
          {...field('metric')}
          onChange={(e) =>
            setForm({ ...form, metric: (e.target as HTMLSelectElement).value as AlertRule['metric'] })
          }
        >
          {Object.entries(METRIC_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Model
        <input placeholder="each model" {...field('model')} />
      </label>
      <label>
        Condition
        <select
          {...field('operator')}
          onChange={(e) =>
            setForm({ ...form, operator: (e.target as HTMLSelectElement).value as AlertRule['operator'] })
          }
        >
          {['>=', '>', '<=', '<'].map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label>
        Threshold
        <input required inputMode="decimal" {...field('threshold')} />
      </label>
      <label>
        Window (min)
        <input required inputMode="numeric" {...field('period')} />
      </label>
      <label class="grow">
        Webhook URL
        <input type="url" placeholder="https://hooks.example.com/…" {...field('webhook')} />
      </label>
      <label class="grow wide-field">
        Body template
        <textarea rows={2} placeholder={TEMPLATE_HINT} {...field('template')} />
      </label>
      <button type="submit">Create rule</button>
    </form>
  );
}
