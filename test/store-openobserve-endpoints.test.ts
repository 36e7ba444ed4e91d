/**
 * OpenObserve's remaining read endpoints on the embedded store, against spans sent over OTLP: field
 * values (`_values`), the organisations list (Grafana's "Save & test"), the streams listing, one trace
 * (`traces/{trace_id}/details`) and the trace list as server-sent events (`traces/latest_stream`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from './helpers/gateway-server.ts';
import { exactJson, ns, sendLlmSpans, TRACE_A, withoutTook } from './helpers/llm-spans.ts';
import { type StoreGateway, startStoreGateway } from './helpers/store-gateway.ts';

const START_US = ns(-60) / 1000n;
const END_US = BigInt(Date.now() + 60_000) * 1000n;
const RANGE = `start_time=${START_US}&end_time=${END_US}`;
const TOOK_DETAIL = {
  total: 0,
  cache_took: 0,
  file_list_took: 0,
  wait_in_queue: 0,
  idx_took: 0,
  search_took: 0,
};

describe("the store's OpenObserve read endpoints", () => {
  let s: StoreGateway;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${s.gateway.url}${path}`, { headers });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text };
  };
  const getJson = async (path: string, headers: Record<string, string> = {}) => {
    const { status, text } = await get(path, headers);
    return { status, body: withoutTook(exactJson(text)) };
  };
  before(async () => {
    s = await startStoreGateway(testConfig({}));
    await sendLlmSpans(`${s.gateway.url}/api/default/v1/traces`, 'llm');
    await sendLlmSpans(`${s.gateway.url}/api/acme/v1/traces`, 'other');
    await s.waitForHits('SELECT * FROM "llm"', 4);
    await s.waitForHits('SELECT * FROM "other"', 4, { org: 'acme' });
  });
  after(() => s.close());

  describe('_values', () => {
    const values = (query: string) => getJson(`/api/default/llm/_values?${RANGE}&${query}`);
    const answer = (hits: unknown[], total: number, size = 10) => ({
      took: 0,
      took_detail: TOOK_DETAIL,
      hits,
      total,
      from: 0,
      size,
      cached_ratio: 0,
      scan_size: 0,
      idx_scan_size: 0,
      scan_records: 4,
      is_partial: false,
      result_cache_ratio: 0,
      peak_memory_usage: 0,
    });

    it('counts each field\'s values, most frequent first, a missing value as "", unknown fields skipped', async () => {
      const { status, body } = await values('fields=user_id,gen_ai_response_model,nope');
      assert.equal(status, 200);
      assert.deepEqual(
        body,
        answer(
          [
            {
              field: 'user_id',
              values: [
                { zo_sql_key: 'u1', zo_sql_num: 2 },
                { zo_sql_key: 'u2', zo_sql_num: 1 },
                { zo_sql_key: '', zo_sql_num: 1 },
              ],
            },
            {
              field: 'gen_ai_response_model',
              values: [
                { zo_sql_key: 'm1', zo_sql_num: 2 },
                { zo_sql_key: 'm2', zo_sql_num: 1 },
                { zo_sql_key: '', zo_sql_num: 1 },
              ],
            },
          ],
          3,
        ),
      );
    });

    it('narrows by filter=col=a,b, by keyword, by the WHERE of a base64 sql, and lists keys with no_count', async () => {
      const keys = async (query: string) =>
        ((await values(query)).body as { hits: Array<{ values: unknown[] }> }).hits[0]?.values;
      assert.deepEqual(await keys('fields=user_id&filter=gen_ai_response_model=m2,m9'), [
        { zo_sql_key: 'u2', zo_sql_num: 1 },
      ]);
      assert.deepEqual(await keys('fields=user_id&keyword=U2'), [{ zo_sql_key: 'u2', zo_sql_num: 1 }]);
      const sql = Buffer.from(`SELECT * FROM "llm" WHERE span_status = 'ERROR' ORDER BY _timestamp`).toString(
        'base64url',
      );
      assert.deepEqual(await keys(`fields=operation_name&sql=${sql}`), [
        { zo_sql_key: 'tool', zo_sql_num: 1 },
      ]);
      assert.deepEqual(await keys('fields=gen_ai_usage_input_tokens&no_count=true&size=2'), [
        { zo_sql_key: '1', zo_sql_num: 0 },
        { zo_sql_key: '10', zo_sql_num: 0 },
      ]);
    });

    it('refuses what OpenObserve refuses, with its messages', async () => {
      const refused = async (query: string) => (await getJson(`/api/default/llm/_values?${query}`)).body;
      assert.deepEqual(await refused(RANGE), { code: 400, message: 'fields is empty' });
      assert.deepEqual(await refused('fields=user_id'), { code: 400, message: 'start_time is empty' });
      assert.deepEqual(await refused(`fields=user_id&${RANGE}&filter=nope=1`), {
        code: 400,
        message: 'Unknown filter column',
      });
      assert.deepEqual(await refused(`fields=user_id&${RANGE}&filter=user_id`), {
        code: 400,
        message: 'Invalid filter format',
      });
    });
  });

  it('lists the organisations the caller sees, at both paths the Grafana datasource and OpenObserve use', async () => {
    const org = (id: number, name: string, type: string) => ({
      id,
      identifier: name,
      name,
      user_email: 'root@example.com',
      ingest_threshold: 9383939382,
      search_threshold: 9383939382,
      type,
      UserObj: { first_name: '', last_name: '', email: 'root@example.com' },
      plan: 0,
    });
    const basic = { authorization: `Basic ${Buffer.from('root@example.com:any').toString('base64')}` };
    const all = { status: 200, body: { data: [org(2, 'acme', 'custom'), org(1, 'default', 'default')] } };
    assert.deepEqual(await getJson('/api/default/organizations?page_num=0&page_size=1000', basic), all);
    assert.deepEqual(await getJson('/api/organizations', basic), all);
    assert.deepEqual(await getJson('/api/organizations?page_size=1', basic), {
      status: 200,
      body: { data: [org(1, 'default', 'default')] },
    });
  });

  it('lists streams with total, settings and total_fields, the columns only with fetchSchema=true', async () => {
    const { status, body } = await getJson('/api/default/streams?keyword=LL');
    assert.equal(status, 200);
    const { list, total } = body as { list: Array<{ stats: { created_at: number } }>; total: number };
    assert.equal(total, 1);
    const createdAt = list[0]?.stats.created_at ?? 0;
    assert.ok(createdAt > Number(START_US) && createdAt < Number(END_US), 'created_at is in microseconds');
    assert.deepEqual(list, [
      {
        name: 'llm',
        storage_type: 'disk',
        stream_type: 'traces',
        stats: {
          created_at: createdAt,
          doc_time_min: Number(ns(0) / 1000n),
          doc_time_max: Number(ns(120) / 1000n),
          doc_num: 4,
          file_num: 0,
          storage_size: 0,
          compressed_size: 0,
          index_size: 0,
        },
        schema: [],
        settings: {
          partition_keys: {},
          full_text_search_keys: [],
          index_fields: [],
          bloom_filter_fields: [],
          distinct_value_fields: [],
          data_retention: 0,
          max_query_range: 0,
          store_original_data: false,
          approx_partition: false,
          index_updated_at: 0,
          extended_retention_days: [],
          index_original_data: false,
          index_all_values: false,
          enable_distinct_fields: true,
          enable_log_patterns_extraction: false,
          is_llm_stream: true,
          storage_type: 'normal',
        },
        total_fields: 0,
      },
    ]);
    const full = (await getJson('/api/default/streams?keyword=llm&fetchSchema=true')).body as {
      list: Array<{ schema: Array<{ name: string; type: string }>; total_fields: number }>;
    };
    const schema = full.list[0]?.schema ?? [];
    assert.ok(schema.some((c) => c.name === 'gen_ai_usage_cost' && c.type === 'Float64'));
    assert.equal(full.list[0]?.total_fields, schema.length);
    assert.deepEqual(await getJson('/api/default/streams?type=logs'), {
      status: 200,
      body: { list: [], total: 0 },
    });
    assert.deepEqual(await getJson('/api/default/streams?offset=1'), {
      status: 200,
      body: { list: [], total: 1 },
    });
    const paged = (await getJson('/api/default/streams?limit=1&sort=doc_num&asc=false')).body as {
      list: unknown[];
    };
    assert.equal(paged.list.length, 1);
    assert.deepEqual(await getJson('/api/default/streams?fetchSchema=yes'), {
      status: 400,
      body: { code: 400, message: " 'fetchSchema' query param with value 'true' or 'false' allowed" },
    });
  });

  it('answers one trace as a search response over its whole time range, with or without a range', async () => {
    const { status, body } = await getJson(`/api/default/llm/traces/${TRACE_A}/details`);
    assert.equal(status, 200);
    const { hits, ...rest } = body as { hits: Array<{ operation_name: string }> };
    assert.deepEqual(
      hits.map((h) => h.operation_name),
      ['chat', 'tool'],
    );
    assert.deepEqual(rest, {
      took: 0,
      took_detail: TOOK_DETAIL,
      total: 2,
      from: 0,
      size: 50000,
      cached_ratio: 0,
      scan_size: 0,
      idx_scan_size: 0,
      scan_records: 2,
      is_partial: false,
      new_start_time: Number(ns(0) / 1000n),
      new_end_time: Number(ns(0.5) / 1000n),
      result_cache_ratio: 0,
      trace_id: TRACE_A,
      start_time: ns(0),
      end_time: ns(2),
      duration: 2_000_000,
    });
    const narrow = `start_time=${ns(0.1) / 1000n}&end_time=${ns(0.2) / 1000n}`;
    const widened = (await getJson(`/api/default/llm/traces/${TRACE_A}/details?${narrow}`)).body as {
      total: number;
    };
    assert.equal(widened.total, 2, 'a caller range widens the trace range, never narrows it');
  });

  it("streams the trace list as OpenObserve's server-sent events, the hits those of traces/latest", async () => {
    const { status, type, text } = await get(`/api/default/llm/traces/latest_stream?${RANGE}`);
    assert.equal(status, 200);
    assert.equal(type, 'text/event-stream');
    const latest = exactJson((await get(`/api/default/llm/traces/latest?${RANGE}`)).text) as {
      hits: unknown[];
    };
    const events = text
      .split('\n\n')
      .filter((e) => e !== '')
      .map((e) => {
        const name = /^event: (.*)$/m.exec(e)?.[1] ?? '';
        const data = /^data: (.*)$/m.exec(e)?.[1] ?? '';
        return [name, data === '[[DONE]]' ? data : withoutTook(exactJson(data))];
      });
    assert.deepEqual(events, [
      ['progress', { percent: 0 }],
      [
        'search_response_metadata',
        {
          results: {
            took: 0,
            took_detail: TOOK_DETAIL,
            hits: [],
            total: 3,
            from: 0,
            size: 0,
            cached_ratio: 0,
            scan_size: 0,
            idx_scan_size: 0,
            scan_records: 0,
            is_partial: false,
            result_cache_ratio: 0,
          },
          streaming_aggs: false,
          time_offset: { start_time: Number(START_US), end_time: Number(END_US) },
        },
      ],
      ['search_response_hits', withoutTook({ hits: latest.hits })],
      ['progress', { percent: 100 }],
      ['', '[[DONE]]'],
    ]);
    assert.equal(latest.hits.length, 3);
    assert.deepEqual((await getJson('/api/default/llm/traces/latest_stream')).body, {
      code: 400,
      message: 'start_time is empty',
    });
    assert.deepEqual((await getJson(`/api/default/llm/traces/latest_stream?${RANGE}&sort_by=name`)).body, {
      code: 400,
      message: 'Invalid sort_by field, only support duration and start_time',
    });
    // A search that fails once the stream has started is an error event, as there.
    const failed = await get(`/api/default/llm/traces/latest_stream?${RANGE}&filter=nope%20%3D%201`);
    assert.equal(failed.status, 200);
    const [progress, error, ...rest] = failed.text.split('\n\n');
    assert.equal(progress, 'event: progress\ndata: {"percent":0}');
    const data = JSON.parse(error?.replace(/^event: error\ndata: /, '') ?? '') as Record<string, unknown>;
    assert.deepEqual([data.code, data.error_detail, rest], [400, null, ['']]);
    assert.match(String(data.message), /nope/);
  });
});
