import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from './webhook.ts';

describe('render', () => {
  const hostile = 'gpt", "admin": true, "x": "';

  it('escapes values inside the strings of a JSON template: a model name adds no keys', () => {
    const body = render('{"text":"{model} is failing","value":{value},"rows":{rows}}', {
      model: hostile,
      value: '0.5',
      rows: '[{"group":"a"}]',
    });
    const parsed = JSON.parse(body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['text', 'value', 'rows']);
    assert.equal(parsed.text, `${hostile} is failing`);
    assert.equal(parsed.value, 0.5);
    assert.deepEqual(parsed.rows, [{ group: 'a' }]);
  });

  it('writes a non-number outside a string as a JSON string', () => {
    const parsed = JSON.parse(render('{"model":{model}}', { model: hostile })) as Record<string, unknown>;
    assert.deepEqual(parsed, { model: hostile });
  });

  it('leaves plain-text templates and unknown placeholders as written', () => {
    assert.equal(render('{model} at {unknown}', { model: 'a "b"' }), 'a "b" at {unknown}');
  });
});
