import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPTIONS } from './args.ts';
import { helpText } from './help.ts';

describe('helpText', () => {
  const text = helpText();

  it('describes every flag the parser accepts', () => {
    for (const name of Object.keys(OPTIONS))
      assert.match(text, new RegExp(`--${name}\\b`), `--${name} is missing`);
  });

  it('has a usage line, the four groups, the environment and the three examples', () => {
    assert.match(text, /^Usage: tollgate \[options\]/);
    for (const heading of ['Server:', 'Model', 'Behaviour:', 'Info:', 'Environment', 'Examples:']) {
      assert.ok(text.includes(heading), heading);
    }
    for (const name of ['HOST', 'PORT', 'OPENAI_API_KEY', 'LITELLM_MASTER_KEY', 'TOLLGATE_MASTER_KEY']) {
      assert.ok(text.includes(name), name);
    }
    assert.match(text, /^ {2}tollgate$/m);
    assert.match(text, /tollgate --model gpt-4o-mini --drop_params/);
    assert.match(text, /tollgate --config config\.yaml/);
  });

  it('fits an 80-column terminal', () => {
    for (const line of text.split('\n')) assert.ok(line.length <= 80, line);
  });
});
