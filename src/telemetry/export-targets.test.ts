import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportTargets } from './export-targets.ts';

describe('exportTargets', () => {
  it("uses OpenObserve's SDK variables and defaults, with or without a trailing slash", () => {
    for (const url of ['https://api.openobserve.ai/', 'https://api.openobserve.ai']) {
      const [target] = exportTargets({
        OPENOBSERVE_URL: url,
        OPENOBSERVE_ORG: 'acme',
        OPENOBSERVE_AUTH_TOKEN: 'Basic abc=',
      });
      assert.equal(target?.url, 'https://api.openobserve.ai/api/acme/v1/traces');
      assert.deepEqual(target?.headers, { 'stream-name': 'default', Authorization: 'Basic abc=' });
      assert.equal(target?.timeoutMillis, 30_000);
      assert.ok(!target?.label.includes('abc='), 'the token is not in the banner');
    }
    const [defaults] = exportTargets({
      OPENOBSERVE_URL: 'http://localhost:5080',
      OPENOBSERVE_TRACES_STREAM_NAME: 'llm',
    });
    assert.equal(defaults?.url, 'http://localhost:5080/api/default/v1/traces');
    assert.equal(defaults?.headers['stream-name'], 'llm');
  });

  it('exports nothing without a URL, or with OPENOBSERVE_ENABLED=false', () => {
    assert.deepEqual(exportTargets({}), []);
    assert.deepEqual(exportTargets({ OPENOBSERVE_URL: 'http://x', OPENOBSERVE_ENABLED: 'false' }), []);
  });

  it('takes the standard OTEL_EXPORTER_OTLP_* variables for any other backend', () => {
    const [base] = exportTargets({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-key=a%3Db,team=ml',
    });
    assert.equal(base?.url, 'http://collector:4318/v1/traces');
    assert.deepEqual(base?.headers, { 'x-key': 'a=b', team: 'ml' });
    const [explicit] = exportTargets({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom' });
    assert.equal(explicit?.url, 'http://collector:4318/custom');
    assert.equal(
      exportTargets({ OPENOBSERVE_URL: 'http://o', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' }).length,
      2,
    );
  });
});
