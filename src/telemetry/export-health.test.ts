import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { describeFailure, ExportHealth } from './export-health.ts';
import { exportTargets } from './export-targets.ts';

const [openObserve] = exportTargets({ OPENOBSERVE_URL: 'https://o2.example.com/', OPENOBSERVE_ORG: 'acme' });
const [otlp] = exportTargets({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
if (!openObserve || !otlp) throw new Error('targets');

/** An OTLP exporter's error for an HTTP answer, as the SDK builds it (`code`: the status, `data`: the body). */
const httpError = (status: number, data = '') =>
  Object.assign(new Error('Unauthorized'), { code: status, data });

describe('describeFailure', () => {
  it('names the variables to check for each kind of failure', () => {
    const unauthorized = describeFailure(
      openObserve,
      httpError(401, '{"code":401,"message":"Unauthorized Access"}'),
    );
    assert.match(
      unauthorized,
      /https:\/\/o2\.example\.com answered 401 \(Unauthorized Access\): check OPENOBSERVE_AUTH_TOKEN/,
    );
    assert.match(unauthorized, /OPENOBSERVE_ORG/);
    assert.match(describeFailure(openObserve, httpError(403)), /answered 403: check OPENOBSERVE_AUTH_TOKEN/);
    assert.match(
      describeFailure(openObserve, httpError(404)),
      /api\/acme\/v1\/traces answered 404: check OPENOBSERVE_URL .* and OPENOBSERVE_ORG/,
    );
    assert.match(
      describeFailure(
        openObserve,
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
      /refused the connection: is OpenObserve running at https:\/\/o2\.example\.com\?/,
    );
    assert.match(
      describeFailure(openObserve, new Error('Request timed out')),
      /did not answer within 30 s \(OPENOBSERVE_TIMEOUT\)/,
    );
    assert.match(
      describeFailure(otlp, httpError(401)),
      /check the credentials in OTEL_EXPORTER_OTLP_HEADERS/,
    );
    assert.match(describeFailure(otlp, httpError(404)), /check OTEL_EXPORTER_OTLP_ENDPOINT/);
    assert.match(describeFailure(otlp, httpError(500, 'boom')), /answered 500 \(boom\)$/);
  });
});

describe('ExportHealth', () => {
  it('logs the first success once, a failure at once and then once a minute, and a recovery', async () => {
    const lines: Array<{ level: string; msg: string }> = [];
    let now = 1_000_000;
    const health = new ExportHealth(
      {
        warn: (_obj, msg) => lines.push({ level: 'warn', msg }),
        info: (_obj, msg) => lines.push({ level: 'info', msg }),
      },
      () => now,
    );
    let next: { code: ExportResultCode; error?: Error } = { code: ExportResultCode.SUCCESS };
    const inner: SpanExporter = {
      export: (_spans, done) => done(next),
      shutdown: async () => {},
    };
    const exporter = health.watch(openObserve, inner);
    const results: ExportResultCode[] = [];
    const send = (n: number) =>
      exporter.export(Array.from({ length: n }) as ReadableSpan[], (r) => results.push(r.code));
    assert.equal(health.states()[0]?.state, 'pending');

    next = { code: ExportResultCode.FAILED, error: httpError(401) };
    send(2);
    assert.equal(lines.length, 1, 'the first failure is logged at once');
    assert.equal(lines[0]?.level, 'warn');
    assert.match(
      lines[0]?.msg ?? '',
      /exports to OpenObserve https:\/\/o2\.example\.com\/api\/acme\/v1\/traces .* fail: .*401.*OPENOBSERVE_AUTH_TOKEN/,
    );
    now += 10_000;
    send(1);
    assert.equal(lines.length, 1, 'the same failure within a minute is not repeated');
    now += 60_000;
    send(1);
    assert.equal(lines.length, 2, 'a minute later it is');
    const failing = health.states()[0];
    assert.equal(failing?.state, 'failing');
    assert.equal(failing?.spans_failed, 4);
    assert.equal(failing?.last_success, null);
    assert.equal(failing?.last_error_at, new Date(now).toISOString());

    next = { code: ExportResultCode.SUCCESS };
    now += 1000;
    send(3);
    send(1);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[2], {
      level: 'info',
      msg: 'telemetry: exports to OpenObserve https://o2.example.com/api/acme/v1/traces (stream default) work',
    });
    const ok = health.states()[0];
    assert.equal(ok?.state, 'ok');
    assert.equal(ok?.spans_exported, 4);
    assert.equal(ok?.last_success, new Date(now).toISOString());
    assert.match(ok?.last_error ?? '', /401/, 'the last error is kept');
    next = { code: ExportResultCode.FAILED, error: httpError(401) };
    send(1);
    assert.match(lines.at(-1)?.msg ?? '', /401/);
    next = { code: ExportResultCode.SUCCESS };
    send(1);
    assert.match(lines.at(-1)?.msg ?? '', / work again$/);
    // The batch processor is always told the batch is done: failures are reported here, not twice.
    assert.ok(results.every((code) => code === ExportResultCode.SUCCESS));
  });

  it('says once that exports work when the first one does', () => {
    const lines: string[] = [];
    const health = new ExportHealth({ warn: () => {}, info: (_obj, msg) => lines.push(msg) });
    const exporter = health.watch(otlp, {
      export: (_s, done) => done({ code: ExportResultCode.SUCCESS }),
      shutdown: async () => {},
    });
    exporter.export([], () => {});
    exporter.export([], () => {});
    assert.deepEqual(lines, ['telemetry: exports to OTLP http://collector:4318/v1/traces work']);
  });
});
