/**
 * Models: per model over the chosen range — requests, error rate, latency p50/p90/p95, time to first
 * token, tokens in and out, cost, retries and fallbacks — as a table and as charts over time, so that
 * two models can be compared at a glance. Everything is one SQL query per view over `_search`.
 */
import { useEffect, useState } from 'preact/hooks';
import { type ModelStat, modelStats } from '../api.ts';
import { Chart, type Series } from '../chart.tsx';
import { count, duration, usd } from '../format.ts';
import { useKeyPrompt } from '../main.tsx';

/** Label, minutes shown, chart bucket in minutes. */
const RANGES: Array<[string, number, number]> = [
  ['Last hour', 60, 1],
  ['Last 6 hours', 360, 5],
  ['Last 24 hours', 1440, 30],
  ['Last 7 days', 10080, 180],
];

export function ModelsPage() {
  const [minutes, setMinutes] = useState(60);
  const [rows, setRows] = useState<ModelStat[] | null>(null);
  const [buckets, setBuckets] = useState<Array<ModelStat & { bucket: number }>>([]);
  const [error, setError] = useState<string | null>(null);
  const { reload, passed, failed, prompt } = useKeyPrompt();
  const [range, setRange] = useState<[number, number]>([0, 1]);

  useEffect(() => {
    const [, , bucketMinutes] = RANGES.find(([, m]) => m === minutes) ?? ['', 60, 1];
    const endUs = Date.now() * 1000 + 60_000_000;
    const startUs = endUs - 60_000_000 - minutes * 60_000_000;
    setRange([startUs / 1e6, endUs / 1e6]);
    modelStats(startUs, endUs, bucketMinutes).then((r) => {
      setRows(r.models);
      setBuckets(r.buckets);
      setError(null);
      passed();
    }, failed(setError));
  }, [minutes, reload]);

  if (prompt) return prompt;
  const models = (rows ?? []).map((r) => String(r.model));
  const times = [...new Set(buckets.map((b) => Number(b.bucket)))].sort((a, b) => a - b);
  const seriesOf = (field: keyof ModelStat, scale = 1): Series[] =>
    models.map((m) => ({
      label: m,
      values: times.map((t) => {
        const hit = buckets.find((b) => b.bucket === t && b.model === m);
        const value = hit?.[field];
        return typeof value === 'number' ? value * scale : null;
      }),
    }));
  const x = times.map((t) => t / 1e6);

  return (
    <section class="models">
      <div class="filters">
        <label>
          Time
          <select
            name="range"
            value={String(minutes)}
            onChange={(e) => setMinutes(Number((e.target as HTMLSelectElement).value))}
          >
            {RANGES.map(([label, m]) => (
              <option key={m} value={m}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p class="error">{error}</p>}
      {rows === null ? (
        <p class="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p class="empty">No model calls in this time range yet.</p>
      ) : (
        <>
          <div class="table-wrap">
            <table class="traces model-table">
              <thead>
                <tr>
                  <th>Model</th>
                  <th class="num">Requests</th>
                  <th class="num">Error rate</th>
                  <th class="num">p50</th>
                  <th class="num">p90</th>
                  <th class="num">p95</th>
                  <th class="num">TTFT</th>
                  <th class="num">Tokens in</th>
                  <th class="num">Tokens out</th>
                  <th class="num">Cost</th>
                  <th class="num">Retries</th>
                  <th class="num">Fallbacks</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={String(r.model)} data-model={String(r.model)}>
                    <td class="model">{String(r.model)}</td>
                    <td class="num">{count(r.requests)}</td>
                    <td class="num error-rate">{`${(Number(r.error_rate) * 100).toFixed(1)} %`}</td>
                    <td class="num">{duration(Number(r.p50))}</td>
                    <td class="num">{duration(Number(r.p90))}</td>
                    <td class="num">{duration(Number(r.p95))}</td>
                    <td class="num">{typeof r.ttft === 'number' ? duration(r.ttft * 1e6) : '–'}</td>
                    <td class="num">{count(r.tokens_in)}</td>
                    <td class="num">{count(r.tokens_out)}</td>
                    <td class="num">{usd(r.cost)}</td>
                    <td class="num">{count(r.retries)}</td>
                    <td class="num">{count(r.fallbacks)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="charts">
            <Chart
              range={range}
              title="Requests"
              x={x}
              series={seriesOf('requests')}
              format={(v) => count(Math.round(v))}
            />
            <Chart
              range={range}
              title="Error rate"
              x={x}
              series={seriesOf('error_rate', 100)}
              format={(v) => `${v.toFixed(0)} %`}
            />
            <Chart
              range={range}
              title="Latency p95"
              x={x}
              series={seriesOf('p95', 1 / 1000)}
              format={(v) => `${v.toFixed(0)} ms`}
            />
            <Chart
              range={range}
              title="Tokens out"
              x={x}
              series={seriesOf('tokens_out')}
              format={(v) => count(Math.round(v))}
            />
          </div>
        </>
      )}
    </section>
  );
}
