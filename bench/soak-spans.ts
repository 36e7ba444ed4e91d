// Soak run for a hostile span sender (issue 14, item 1), full size: OTLP requests whose spans carry
// megabyte attribute keys (gzip keeps each request ~15 KB), against a running Tollgate. Start one with
//   TOLLGATE_TRACE_STORE_MAX_MB=20 npm start
// then run
//   node bench/soak-spans.ts [--requests 200] [--url http://127.0.0.1:4000]
// Each line: request number, status, milliseconds. The time per request must stay flat, and at the end
// `_search` and `traces/latest` must still answer 200.

import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    url: { type: 'string', default: 'http://127.0.0.1:4000' },
  },
});
const base = values.url;
const KEY_CHARS = 1 << 20;

for (let r = 0; r < Number(values.requests); r++) {
  const now = `${BigInt(Date.now()) * 1_000_000n}`;
  const attributes = [0, 1, 2].map((k) => ({
    key: `${String.fromCharCode(97 + k)}${r}${'k'.repeat(KEY_CHARS)}`,
    value: { stringValue: 'x' },
  }));
  const span = {
    traceId: `${'1'.repeat(31)}${r % 10}`,
    spanId: '2'.repeat(16),
    name: 'hostile',
    startTimeUnixNano: now,
    endTimeUnixNano: now,
    attributes,
  };
  const body = gzipSync(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
  const started = performance.now();
  const res = await fetch(`${base}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body,
  });
  await res.arrayBuffer();
  console.log(r, res.status, Math.round(performance.now() - started), 'ms');
}

const search = await fetch(`${base}/api/default/_search?type=traces`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    query: { sql: 'SELECT count(*) AS n FROM "default"', start_time: 0, end_time: 2 ** 60 },
  }),
});
console.log('_search', search.status, await search.text());
const latest = await fetch(
  `${base}/api/default/default/traces/latest?start_time=1&end_time=${Date.now() * 1000}`,
);
console.log('traces/latest', latest.status);
