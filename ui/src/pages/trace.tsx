/**
 * One trace: a waterfall of its spans (the client's span when present, the request span, each upstream
 * attempt, with retries and fallbacks marked) and the selected span's details: models, tokens, cost,
 * latency and time to first token, parameters, the conversation, events and every raw attribute.
 */

import { useEffect, useState } from 'preact/hooks';
import { type Row, traceDetails } from '../api.ts';
import { conversation } from '../conversation.ts';
import { count, duration, flag, localTime, num, usd } from '../format.ts';
import { useKeyPrompt } from '../main.tsx';

interface Node {
  span: Row;
  depth: number;
}

/** Spans in tree order (parents before children, siblings by start), with their depth. */
function tree(spans: Row[]): Node[] {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string, Row[]>();
  for (const s of spans) {
    const parent = String(s.reference_parent_span_id ?? '');
    const key = parent && ids.has(parent) ? parent : '';
    children.set(key, [...(children.get(key) ?? []), s]);
  }
  const out: Node[] = [];
  const walk = (key: string, depth: number) => {
    const list = (children.get(key) ?? []).sort((a, b) => Number(a.start_time) - Number(b.start_time));
    for (const s of list) {
      out.push({ span: s, depth });
      walk(String(s.span_id), depth + 1);
    }
  };
  walk('', 0);
  return out;
}

function marks(span: Row): string[] {
  const out: string[] = [];
  const events = String(span.events ?? '[]');
  if (events.includes('"retry"')) out.push('retry');
  if (flag(span.tollgate_fallback)) out.push('fallback');
  if (String(span.operation_name).startsWith('upstream '))
    out.push(`attempt ${span.tollgate_attempt ?? ''}`.trim());
  return out;
}

export function TracePage({ traceId, startUs }: { traceId: string; startUs?: number }) {
  const [spans, setSpans] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const { reload, failed, prompt } = useKeyPrompt();

  useEffect(() => {
    traceDetails(traceId, startUs).then((r) => {
      setSpans(r.hits);
      const request = r.hits.find(
        (s) => s.openinference_span_kind !== undefined && !String(s.operation_name).startsWith('upstream'),
      );
      setSelected(String((request ?? r.hits[0])?.span_id ?? ''));
    }, failed(setError));
  }, [traceId, startUs, reload]);

  if (prompt) return prompt;
  if (error) return <p class="error">{error}</p>;
  if (!spans) return <p class="muted">Loading…</p>;
  const nodes = tree(spans);
  const start = Math.min(...spans.map((s) => Number(s.start_time)));
  const end = Math.max(...spans.map((s) => Number(s.end_time)));
  const total = Math.max(1, end - start);
  const current = spans.find((s) => s.span_id === selected) ?? spans[0];

  return (
    <section class="trace">
      <p>
        <a href="#/traces">← Traces</a>
      </p>
      <h1>
        Trace <code>{traceId}</code>
      </h1>
      <p class="muted">
        {localTime(start)} · {duration((end - start) / 1000)} · {spans.length} spans
      </p>
      <div class="waterfall">
        {nodes.map(({ span, depth }) => {
          const left = ((Number(span.start_time) - start) / total) * 100;
          const width = Math.max(0.3, ((Number(span.end_time) - Number(span.start_time)) / total) * 100);
          const failed = span.span_status === 'ERROR';
          return (
            <button
              type="button"
              key={String(span.span_id)}
              class={`span-row ${span.span_id === selected ? 'selected' : ''}`}
              data-span-id={String(span.span_id)}
              onClick={() => setSelected(String(span.span_id))}
            >
              <span class="span-name" style={{ paddingLeft: `${depth * 16}px` }}>
                {String(span.operation_name)}
                {marks(span).map((m) => (
                  <span key={m} class="badge">
                    {m}
                  </span>
                ))}
                <span class="muted"> {String(span.service_name ?? '')}</span>
              </span>
              <span class="bar-track">
                <span class={`bar ${failed ? 'err' : ''}`} style={{ left: `${left}%`, width: `${width}%` }} />
              </span>
              <span class="num">{duration(Number(span.duration))}</span>
            </button>
          );
        })}
      </div>
      {current && <SpanDetails span={current} />}
    </section>
  );
}

function Field({ label, value, name }: { label: string; value: string; name?: string }) {
  return (
    <div class="field" data-field={name}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function SpanDetails({ span }: { span: Row }) {
  const [json, setJson] = useState(false);
  const ttft = num(span.gen_ai_response_time_to_first_chunk);
  const messages = [...conversation(span, 'input'), ...conversation(span, 'output')];
  const events = JSON.parse(String(span.events ?? '[]')) as Array<Record<string, unknown>>;
  return (
    <div class="details">
      <h2>
        {String(span.operation_name)}{' '}
        <span class={`status ${span.span_status === 'ERROR' ? 'err' : 'ok'}`}>
          {String(span.span_status)}
        </span>
      </h2>
      {span.status_message ? <p class="error">{String(span.status_message)}</p> : null}
      <dl class="fields">
        <Field
          name="model"
          label="Model routed"
          value={String(span.llm_model_name ?? span.tollgate_deployment_model ?? '–')}
        />
        <Field
          name="response-model"
          label="Model that served"
          value={String(span.gen_ai_response_model ?? '–')}
        />
        <Field name="prompt-tokens" label="Prompt tokens" value={count(span.llm_token_count_prompt)} />
        <Field
          name="completion-tokens"
          label="Completion tokens"
          value={count(span.llm_token_count_completion)}
        />
        <Field name="total-tokens" label="Total tokens" value={count(span.llm_token_count_total)} />
        <Field
          name="cached-tokens"
          label="Cached tokens"
          value={count(span.llm_token_count_prompt_details_cache_read)}
        />
        <Field
          name="reasoning-tokens"
          label="Reasoning tokens"
          value={count(span.llm_token_count_completion_details_reasoning)}
        />
        <Field name="cost" label="Cost" value={usd(span.gen_ai_usage_cost ?? span.llm_cost_total)} />
        <Field name="latency" label="Latency" value={duration(Number(span.duration))} />
        <Field
          name="ttft"
          label="Time to first token"
          value={ttft === undefined ? '–' : duration(ttft * 1e6)}
        />
      </dl>
      {span.llm_invocation_parameters ? (
        <>
          <h3>Invocation parameters</h3>
          <pre>{pretty(String(span.llm_invocation_parameters))}</pre>
        </>
      ) : null}
      {messages.length > 0 && (
        <>
          <h3>
            Conversation{' '}
            <button type="button" class="link" onClick={() => setJson((v) => !v)}>
              {json ? 'show as conversation' : 'show JSON'}
            </button>
          </h3>
          {json ? (
            <pre>
              {pretty(String(span.input_value ?? ''))}
              {'\n\n'}
              {pretty(String(span.output_value ?? ''))}
            </pre>
          ) : (
            <ol class="conversation">
              {messages.map((m, i) => (
                <li key={i} class={`msg ${m.role}`}>
                  <span class="role">{m.role}</span>
                  <span class="content">{m.content}</span>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      {events.length > 0 && (
        <>
          <h3>Events</h3>
          <ul class="events">
            {events.map((e, i) => (
              <li key={i}>
                <strong>{String(e.name)}</strong>{' '}
                {JSON.stringify({ ...e, name: undefined, _timestamp: undefined })}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Attributes</h3>
      <table class="raw">
        <tbody>
          {Object.entries(span)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{String(v)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
