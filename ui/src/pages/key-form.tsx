/**
 * The form for a new virtual key (alias, models, budget and its reset period, rate limits, expiry, user
 * and team), and the panel that shows the full key once, right after it is created.
 */
import { useEffect, useState } from 'preact/hooks';
import { AuthNeeded } from '../api.ts';
import { type GeneratedKey, keysApi, type NewKey } from '../keys-api.ts';

const BUDGET_PERIODS: Array<[string, string]> = [
  ['', 'never resets'],
  ['1h', 'every hour'],
  ['1d', 'every day'],
  ['7d', 'every 7 days'],
  ['30d', 'every 30 days'],
];

const EXPIRIES: Array<[string, string]> = [
  ['', 'never'],
  ['1d', 'in 1 day'],
  ['7d', 'in 7 days'],
  ['30d', 'in 30 days'],
  ['90d', 'in 90 days'],
];

const empty = {
  key_alias: '',
  max_budget: '',
  budget_duration: '',
  rpm_limit: '',
  tpm_limit: '',
  max_parallel_requests: '',
  duration: '',
  user_id: '',
  team_id: '',
};

type Field = keyof typeof empty;

/** The request body: blank fields left out, numbers read as numbers. */
function bodyOf(form: typeof empty, models: string[]): NewKey | string {
  const body: NewKey = {};
  const text = (f: 'key_alias' | 'budget_duration' | 'duration' | 'user_id' | 'team_id') => {
    const v = form[f].trim();
    if (v) body[f] = v;
  };
  for (const f of ['key_alias', 'budget_duration', 'duration', 'user_id', 'team_id'] as const) text(f);
  for (const f of ['max_budget', 'rpm_limit', 'tpm_limit', 'max_parallel_requests'] as const) {
    const v = form[f].trim();
    if (!v) continue;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) return `${f.replaceAll('_', ' ')} must be a number ≥ 0`;
    if (f !== 'max_budget' && !Number.isInteger(n)) return `${f.replaceAll('_', ' ')} must be a whole number`;
    body[f] = n;
  }
  if (models.length) body.models = models;
  return body;
}

export function NewKeyForm({
  onCreated,
  onAuth,
}: {
  onCreated: (key: GeneratedKey) => void;
  onAuth: (message: string) => void;
}) {
  const [form, setForm] = useState(empty);
  const [models, setModels] = useState<string[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    keysApi.models().then(setModels, (err: Error) => {
      if (err instanceof AuthNeeded) onAuth(err.message);
      else setError(`Could not list the models: ${err.message}`);
    });
  }, [onAuth]);

  const field = (name: Field) => ({
    name,
    value: form[name],
    onInput: (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value }),
  });
  const select = (name: Field) => ({
    ...field(name),
    onChange: (e: Event) => setForm({ ...form, [name]: (e.target as HTMLSelectElement).value }),
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = bodyOf(form, chosen);
    if (typeof body === 'string') return setError(body);
    setBusy(true);
    try {
      const created = await keysApi.generate(body);
      setForm(empty);
      setChosen([]);
      setError(null);
      onCreated(created);
    } catch (err) {
      if (err instanceof AuthNeeded) onAuth(err.message);
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="filters new-rule new-key" onSubmit={submit}>
      <h3>New key</h3>
      {error && <p class="error wide-field">{error}</p>}
      <label>
        Alias
        <input placeholder="team-search-prod" {...field('key_alias')} />
      </label>
      <label>
        Budget (USD)
        <input inputMode="decimal" placeholder="no limit" {...field('max_budget')} />
      </label>
      <label>
        Budget resets
        <select {...select('budget_duration')}>
          {BUDGET_PERIODS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Requests / min
        <input inputMode="numeric" placeholder="no limit" {...field('rpm_limit')} />
      </label>
      <label>
        Tokens / min
        <input inputMode="numeric" placeholder="no limit" {...field('tpm_limit')} />
      </label>
      <label>
        Parallel requests
        <input inputMode="numeric" placeholder="no limit" {...field('max_parallel_requests')} />
      </label>
      <label>
        Expires
        <select {...select('duration')}>
          {EXPIRIES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        User id
        <input placeholder="none" {...field('user_id')} />
      </label>
      <label>
        Team id
        <input placeholder="none" {...field('team_id')} />
      </label>
      <fieldset class="model-picker wide-field">
        <legend>Models {chosen.length === 0 && <span class="muted">(none chosen: every model)</span>}</legend>
        {models.length === 0 && <span class="muted">No models listed.</span>}
        {models.map((m) => (
          <label key={m} class="toggle">
            <input
              type="checkbox"
              name="model"
              value={m}
              checked={chosen.includes(m)}
              onChange={(e) =>
                setChosen(
                  (e.target as HTMLInputElement).checked ? [...chosen, m] : chosen.filter((c) => c !== m),
                )
              }
            />
            {m}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={busy}>
        Create key
      </button>
    </form>
  );
}

/** The full key, shown once: a copy button, and the warning that it cannot be shown again. */
export function CreatedKey({ created, onDone }: { created: GeneratedKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied');
    } catch {
      setCopied('Copy was refused: select the key and copy it by hand');
    }
  };
  return (
    <div class="created-key" role="alert">
      <h3>Key {created.key_alias ? `“${created.key_alias}” ` : ''}created</h3>
      <p>
        <strong>Copy it now: it will not be shown again.</strong> Tollgate keeps only its hash.
      </p>
      <div class="key-row">
        <code class="full-key">{created.key}</code>
        <button type="button" class="copy" onClick={copy}>
          Copy
        </button>
        {copied && <span class="muted copied">{copied}</span>}
      </div>
      <button type="button" class="done" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
