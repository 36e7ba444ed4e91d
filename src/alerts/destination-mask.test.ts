import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskDestination, maskUrl, withStoredSecrets } from './destination-mask.ts';
import type { Destination } from './rule.ts';

const stored: Destination = {
  name: 'chat',
  type: 'http',
  url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET?token=sk-test-q&channel=ops#x',
  method: 'POST',
  headers: { Authorization: 'Bearer sk-test-h' },
};

describe('maskUrl', () => {
  it('keeps scheme, host, port and the first path segment; masks the rest, the query values and userinfo', () => {
    assert.equal(maskUrl(stored.url), 'https://hooks.slack.com/services/***?token=***&channel=***');
    assert.equal(maskUrl('http://user:pw@10.0.0.1:8080/hook'), 'http://***@10.0.0.1:8080/hook');
    assert.equal(maskUrl('http://127.0.0.1:9555/hook'), 'http://127.0.0.1:9555/hook');
    assert.equal(maskUrl('https://example.com/'), 'https://example.com/');
  });
});

describe('withStoredSecrets', () => {
  it('puts the stored URL and header values back where the masked ones come back', () => {
    const sent = { ...maskDestination(stored), template: '{"t":"{alert_name}"}' };
    assert.deepEqual(withStoredSecrets(sent, stored), { ...stored, template: '{"t":"{alert_name}"}' });
    const renamedHeader = { ...sent, headers: { authorization: '***', 'x-new': 'v' } };
    assert.deepEqual(
      (withStoredSecrets(renamedHeader, stored) as Destination).headers,
      { authorization: 'Bearer sk-test-h', 'x-new': 'v' },
      'header names are case-insensitive',
    );
  });

  it('takes new values as sent', () => {
    const sent = { ...stored, url: 'https://example.com/a/b', headers: { Authorization: 'Bearer new' } };
    assert.deepEqual(withStoredSecrets(sent, stored), sent);
  });

  it('refuses a masked value with nothing stored behind it', () => {
    const masked = maskDestination(stored);
    assert.match((withStoredSecrets(masked, undefined) as { invalid: string }).invalid, /^url: /);
    const otherHost = { ...masked, url: 'https://other.example/services/***' };
    assert.match((withStoredSecrets(otherHost, stored) as { invalid: string }).invalid, /^url: /);
    const newHeader = { ...stored, headers: { 'x-key': '***' } };
    assert.match((withStoredSecrets(newHeader, stored) as { invalid: string }).invalid, /^headers\.x-key: /);
  });
});
