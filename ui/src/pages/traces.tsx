/**
 * The trace list: time range, filters (operation, model, status, service, free SQL), sort, paging and
 * live tail, over the store's `traces/latest`; one row per trace with model, tokens, cost, duration and
 * status. Arrow keys (or j/k) move through the rows, Enter opens one.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { distinct, latestTraces, type TraceHit } from '../api.ts';
import { count, duration, localTime, quote, usd } from '../format.ts';
import { useKeyPrompt } from '../main.tsx';

const RANGES: Array<[string, number]> = [
  ['Last 15 minutes', 15],
  ['Last hour', 60],
  ['Last 6 hours', 360],
  ['Last 24 hours', 1440],
  ['Last 7 days', 10080],
];
const PAGE = 50;

interface Filters {
  minutes: number;
  operation: string;
  model: string;
  status: string;
  service: string;
  expression: string;
  sortBy: 'start_time' | 'duration';
}

const initial: Filters = {
  minutes: 60,
  operation: '',
  model: '',
  status: '',
  service: '',
  expression: '',
  sortBy: 'start_time',
};

function whereOf(f: Filters): string {
  const parts: string[] = [];
  if (f.operation) parts.push(`operation_name = ${quote(f.operation)}`);
  if (f.model) parts.push(`llm_model_name = ${quote(f.model)}`);
  if (f.status) parts.push(`span_status = ${quote(f.status)}`);
  if (f.service) parts.push(`service_name = ${quote(f.service)}`);
  if (f.expression.trim()) parts.push(`(${f.expression.trim()})`);
  return parts.join(' AND ');
}

export function TracesPage() {
  const [filters, setFilters] = useState<Filters>(initial);
  const [draft, setDraft] = useState('');
  const [from, setFrom] = useState(0);
  const [hits, setHits] = useState<TraceHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [selected, setSelected] = useState(0);
  const [options, setOptions] = useState<Record<string, string[]>>({});
  const { reload, again, passed, failed, prompt } = useKeyPrompt();
  const table = useRef<HTMLTableSectionElement>(null);

  const range = useCallback(() => {
    const end = Date.now() * 1000 + 60_000_000;
    return { startUs: end - 60_000_000 - filters.minutes * 60_000_000, endUs: end };
  }, [filters.minutes]);

  useEffect(() => {
    let stale = false;
    const { startUs, endUs } = range();
    latestTraces({ filter: whereOf(filters), startUs, endUs, from, size: PAGE, sortBy: filters.sortBy }).then(
      (r) => {
        if (stale) return;
        setHits(r.hits);
        setError(null);
        passed();
      },
      (err: Error) => {
        if (!stale) failed(setError)(err);
      },
    );
    return () => {
      stale = true;
    };
  }, [filters, from, reload, range]);

  useEffect(() => {
    const { startUs, endUs } = range();
    Promise.all(
      ['operation_name', 'llm_model_name', 'service_name'].map((c) => distinct(c, startUs, endUs)),
    ).then(
      ([operation_name = [], llm_model_name = [], service_name = []]) =>
        setOptions({ operation_name, llm_model_name, service_name }),
      () => {},
    );
  }, [range, reload]);

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(again, 2000);
    return () => clearInterval(timer);
  }, [live]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, select, textarea') || !hits?.length) return;
      if (e.key === 'ArrowDown' || e.key === 'j') setSelected((i) => Math.min(hits.length - 1, i + 1));
      else if (e.key === 'ArrowUp' || e.key === 'k') setSelected((i) => Math.max(0, i - 1));
      else if (e.key === 'Enter' && hits[selected]) location.hash = traceLink(hits[selected]);
      else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [hits, selected]);

  useEffect(() => {
    table.current?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  if (prompt) return prompt;

  const set = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setFrom(0);
    setSelected(0);
  };
  const select = (label: string, name: keyof Filters, values: string[]) => (
    <label>
      {label}
      <select
        name={name}
        value={String(filters[name])}
        onChange={(e) => set({ [name]: (e.target as HTMLSelectElement).value })}
      >
        <option value="">Any</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set({ expression: draft });
        }}
      >
        <label>
          Time
          <select
            name="range"
            value={String(filters.minutes)}
            onChange={(e) => set({ minutes: Number((e.target as HTMLSelectElement).value) })}
          >
            {RANGES.map(([label, minutes]) => (
              <option key={minutes} value={minutes}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {select('Operation', 'operation', options.operation_name ?? [])}
        {select('Model', 'model', options.llm_model_name ?? [])}
        {select('Status', 'status', ['OK', 'ERROR', 'UNSET'])}
        {select('Service', 'service', options.service_name ?? [])}
        <label class="grow">
          Filter (SQL)
          <input
            name="expression"
            placeholder="llm_token_count_total > 100"
            value={draft}
            onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Sort
          <select
            name="sort"
            value={filters.sortBy}
            onChange={(e) => set({ sortBy: (e.target as HTMLSelectElement).value as Filters['sortBy'] })}
          >
            <option value="start_time">Newest</option>
            <option value="duration">Slowest</option>
          </select>
        </label>
        <label class="toggle">
          <input type="checkbox" name="live" checked={live} onChange={() => setLive((v) => !v)} /> Live
        </label>
      </form>
      {error && <p class="error">{error}</p>}
      {hits === null ? (
        <p class="muted">Loading…</p>
      ) : hits.length === 0 ? (
        <Empty filtered={whereOf(filters) !== ''} />
      ) : (
        <div class="table-wrap">
          <table class="traces">
            <thead>
              <tr>
                <th>Time</th>
                <th class="op">Operation</th>
                <th>Model</th>
                <th class="num">Tokens</th>
                <th class="num">Cost</th>
                <th class="num">Duration</th>
                <th>Status</th>
                <th class="wide">Service</th>
              </tr>
            </thead>
            <tbody ref={table}>
              {hits.map((t, i) => {
                const e = t.first_event;
                const failed = t.spans[1] > 0;
                // OpenObserve answers 0 tokens and no models for a trace without LLM spans.
                const llm = t.models.length > 0 || t.gen_ai_usage_total_tokens > 0;
                return (
                  <tr
                    key={t.trace_id}
                    class={i === selected ? 'selected' : ''}
                    data-trace-id={t.trace_id}
                    onClick={() => {
                      location.hash = traceLink(t);
                    }}
                  >
                    <td>{localTime(t.start_time)}</td>
                    <td class="op">{String(e.operation_name ?? '')}</td>
                    <td class="model">{t.models.length ? t.models.join(', ') : '–'}</td>
                    <td class="num tokens">{llm ? count(t.gen_ai_usage_total_tokens) : '–'}</td>
                    <td class="num">{llm ? usd(t.gen_ai_usage_cost) : '–'}</td>
                    <td class="num">{duration(t.duration)}</td>
                    <td>
                      <span class={`status ${failed ? 'err' : 'ok'}`}>
                        {failed ? `${t.spans[1]} error` : 'OK'}
                      </span>
                    </td>
                    <td class="wide muted">
                      {t.service_name.map((s) => s.service_name).join(', ')} · {t.spans[0]} spans
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        <button type="button" disabled={from === 0} onClick={() => setFrom(Math.max(0, from - PAGE))}>
          ← Newer
        </button>
        <span class="muted">{hits?.length ? `${from + 1}–${from + hits.length}` : ''}</span>
        <button type="button" disabled={(hits?.length ?? 0) < PAGE} onClick={() => setFrom(from + PAGE)}>
          Older →
        </button>
      </div>
    </section>
  );
}

function Empty({ filtered }: { filtered: boolean }) {
  if (filtered) return <p class="empty">No trace matches these filters in this time range.</p>;
  const origin = location.origin;
  return (
    <div class="empty">
      <h2>No traces yet</h2>
      <p>Send a request through the gateway and it shows up here:</p>
      <pre>
        {`curl ${origin}/v1/chat/completions -H 'content-type: application/json' \\
  -d '{"model":"demo","messages":[{"role":"user","content":"Hello!"}]}'`}
      </pre>
    </div>
  );
}

/** A trace's page, with its start (µs; `start_time` is in ns) so that the details are searched around it. */
function traceLink(t: TraceHit): string {
  return `#/trace/${t.trace_id}@${Math.trunc(Number(t.start_time) / 1000)}`;
}
