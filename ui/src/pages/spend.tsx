/**
 * Spend: what was spent by key, user, team or model over the last 24 hours, 7 or 30 days — the total, a
 * daily chart of the biggest spenders and a table per group with its models — from LiteLLM's
 * `/global/spend/report`; below it the all-time top keys and models, and the top request tags of the
 * last 30 days.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Chart, type Series } from '../chart.tsx';
import { count, dollars } from '../format.ts';
import {
  keyLabel,
  keysApi,
  masterToken,
  type SpendDay,
  type SpendGroupBy,
  spendReport,
  topSpend,
  totalsOf,
} from '../keys-api.ts';
import { useKeyPrompt } from '../main.tsx';

/** Label and days back (UTC days, today included; 24 hours spans yesterday and today). */
const RANGES: Array<[string, number]> = [
  ['Last 24 hours', 1],
  ['Last 7 days', 7],
  ['Last 30 days', 30],
];

const GROUPS: Array<[SpendGroupBy, string, string]> = [
  ['api_key', 'By key', 'Key'],
  ['user', 'By user', 'User'],
  ['team', 'By team', 'Team'],
  ['model', 'By model', 'Model'],
];

const DAY_MS = 86_400_000;
const CHART_LINES = 8;

/** Axis ticks: two significant digits, `$0.4`, `$12`. */
const axisDollars = (v: number) => `$${Number(v.toPrecision(2))}`;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Start and end dates of a range, UTC, both included. */
function dates(days: number): [string, string] {
  const today = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
  return [isoDay(today - Math.max(1, days - 1) * DAY_MS), isoDay(today)];
}

/** A group's name as people read it: a key by alias or `sk-...abcd`, never whole. */
function nameOf(name: string, groupBy: SpendGroupBy, keys: Map<string, string>): string {
  if (groupBy !== 'api_key') return name;
  const key = keys.get(name);
  if (key) return key;
  if (name.startsWith('sk-') && !name.includes('...') && name.length > 12) return `sk-...${name.slice(-4)}`;
  return name.length === 64 ? `${name.slice(0, 8)}…` : name;
}

interface Top {
  keys: Array<{ label: string; spend: number }>;
  models: Array<{ model: string; spend: number }>;
  tags: Array<{ tag: string; spend: number }>;
}

const TOP_ROWS = 10;

export function SpendPage() {
  const [days, setDays] = useState(7);
  const [groupBy, setGroupBy] = useState<SpendGroupBy>('api_key');
  const [report, setReport] = useState<SpendDay[] | null>(null);
  /** Key tokens and how they read (alias or `sk-...abcd`; the master key as such). */
  const [keys, setKeys] = useState<Map<string, string>>(new Map());
  const [top, setTop] = useState<Top | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { reload, again, passed, failed, prompt } = useKeyPrompt();
  const [start, end] = dates(days);

  const fail = failed(setError);

  useEffect(() => {
    let stale = false;
    setReport(null);
    spendReport(groupBy, start, end).then((r) => {
      if (stale) return;
      setReport(r);
      setError(null);
      passed();
    }, fail);
    return () => {
      stale = true;
    };
  }, [groupBy, start, end, reload]);

  useEffect(() => {
    // Names for the keys the report lists by token; the page works without them.
    Promise.all([keysApi.list(), masterToken().catch(() => undefined)]).then(([r, master]) => {
      const names = new Map(r.keys.map((k) => [k.token, keyLabel(k)]));
      if (master) names.set(master, 'master key');
      setKeys(names);
    }, failed());
    Promise.all([topSpend.keys(TOP_ROWS), topSpend.models(TOP_ROWS), topSpend.tags()]).then(
      ([k, m, t]) =>
        setTop({
          keys: k.map((x) => ({
            label: keyLabel({ key_alias: x.key_alias, key_name: x.key_name, token: x.api_key }),
            spend: Number(x.total_spend) || 0,
          })),
          models: m.map((x) => ({ model: x.model, spend: Number(x.total_spend) || 0 })),
          tags: t
            .slice(0, TOP_ROWS)
            .map((x) => ({ tag: x.individual_request_tag, spend: Number(x.total_spend) || 0 })),
        }),
      failed(() => setTop(null)),
    );
  }, [reload]);

  const totals = useMemo(() => totalsOf(report ?? []), [report]);
  const chart = useMemo(() => {
    // Every day of the range, a day without spend at 0.
    const first = Date.parse(`${start}T00:00:00Z`);
    const last = Date.parse(`${end}T00:00:00Z`);
    const daysShown: string[] = [];
    for (let t = first; t <= last; t += DAY_MS) daysShown.push(isoDay(t));
    const byDay = new Map((report ?? []).map((d) => [d.day, d.groups]));
    const series: Series[] = totals.slice(0, CHART_LINES).map((t) => ({
      label: nameOf(t.name, groupBy, keys),
      values: daysShown.map((d) => byDay.get(d)?.find((g) => g.name === t.name)?.spend ?? 0),
    }));
    const x = daysShown.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const range: [number, number] = [first / 1000, last / 1000];
    return { x, series, range, daily: (report ?? []).some((d) => d.day !== '') };
  }, [report, totals, groupBy, keys, start, end]);

  if (prompt) return prompt;
  const total = totals.reduce((t, g) => t + g.spend, 0);
  const [, , column] = GROUPS.find(([g]) => g === groupBy) ?? GROUPS[0] ?? ['api_key', '', 'Key'];

  return (
    <section class="spend">
      <div class="filters">
        <label>
          Time
          <select
            name="range"
            value={String(days)}
            onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}
          >
            {RANGES.map(([label, d]) => (
              <option key={d} value={d}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <div class="tabs" role="tablist">
          {GROUPS.map(([g, label]) => (
            <button
              key={g}
              type="button"
              role="tab"
              data-group={g}
              aria-selected={g === groupBy}
              class={g === groupBy ? 'tab active' : 'tab'}
              onClick={() => setGroupBy(g)}
            >
              {label}
            </button>
          ))}
        </div>
        <button type="button" class="refresh" onClick={again}>
          Refresh
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      <dl class="fields">
        <div class="field" data-field="total-spend">
          <dt>Spend, {start === end ? start : `${start} – ${end}`} (UTC)</dt>
          <dd>{report === null ? '–' : dollars(total)}</dd>
        </div>
        <div class="field" data-field="top">
          <dt>Top {column.toLowerCase()}</dt>
          <dd>{totals[0] ? nameOf(totals[0].name, groupBy, keys) : '–'}</dd>
        </div>
        <div class="field" data-field="groups">
          <dt>{column}s with spend</dt>
          <dd>{totals.filter((t) => t.spend > 0).length}</dd>
        </div>
      </dl>
      {report === null ? (
        !error && <p class="muted">Loading…</p>
      ) : totals.length === 0 ? (
        <p class="empty">Nothing spent in this time range yet.</p>
      ) : (
        <>
          {chart.daily && (
            <div class="charts single">
              <Chart
                title={`Daily spend by ${column.toLowerCase()} (USD)`}
                x={chart.x}
                range={chart.range}
                series={chart.series}
                format={axisDollars}
                days
              />
            </div>
          )}
          <div class="table-wrap">
            <table class="traces spend-table" data-group-by={groupBy}>
              <thead>
                <tr>
                  <th>{column}</th>
                  <th class="num">Spend</th>
                  <th class="num">Share</th>
                  <th class="num">Tokens</th>
                  <th>Models</th>
                </tr>
              </thead>
              <tbody>
                {totals.map((t) => (
                  <tr key={t.name} data-group={t.name} data-label={nameOf(t.name, groupBy, keys)}>
                    <td class="group-name">{nameOf(t.name, groupBy, keys)}</td>
                    <td class="num group-spend">{dollars(t.spend)}</td>
                    <td class="num">{total > 0 ? `${((t.spend / total) * 100).toFixed(1)} %` : '–'}</td>
                    <td class="num">{t.tokens ? count(t.tokens) : '–'}</td>
                    <td class="group-models">
                      {t.models.map((m) => `${m.model} ${dollars(m.spend)}`).join(', ') || '–'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {top && (top.keys.length > 0 || top.models.length > 0 || top.tags.length > 0) && (
        <div class="all-time">
          <TopTable
            title="Top keys, all time"
            cls="top-keys"
            rows={top.keys.map((k) => [k.label, k.spend])}
          />
          <TopTable
            title="Top models, all time"
            cls="top-models"
            rows={top.models.map((m) => [m.model, m.spend])}
          />
          {top.tags.length > 0 && (
            <TopTable
              title="Top request tags, last 30 days"
              cls="top-tags"
              rows={top.tags.map((t) => [t.tag, t.spend])}
            />
          )}
        </div>
      )}
    </section>
  );
}

function TopTable({ title, cls, rows }: { title: string; cls: string; rows: Array<[string, number]> }) {
  return (
    <div>
      <h3>{title}</h3>
      <table class={`traces ${cls}`}>
        <tbody>
          {rows.map(([name, spend]) => (
            <tr key={name} data-name={name}>
              <td>{name}</td>
              <td class="num">{dollars(spend)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
