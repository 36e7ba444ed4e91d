import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestedValue } from './key-paths.ts';

describe('nestedValue', () => {
  it('makes an array of numbered key paths, padding gaps with empty objects', () => {
    assert.deepEqual(
      nestedValue(
        [
          ['gen_ai.prompt.2.content', 'c'],
          ['gen_ai.prompt.0.role', 'user'],
        ],
        'gen_ai.prompt',
      ),
      [{ role: 'user' }, {}, { content: 'c' }],
    );
  });

  it('makes an object of named key paths, and takes the prefix itself when it is there', () => {
    assert.deepEqual(nestedValue([['llm.input_messages.a.b', 1]], 'llm.input_messages'), { a: { b: 1 } });
    assert.equal(nestedValue([['gen_ai.prompt', 'whole']], 'gen_ai.prompt'), 'whole');
    assert.equal(nestedValue([], 'gen_ai.prompt'), null);
  });

  it('drops indexes above 100', () => {
    const value = nestedValue([['p.5000.x', 1]], 'p');
    assert.ok(Array.isArray(value));
    assert.equal(value.length, 101);
    assert.deepEqual(value[100], {});
  });
});
