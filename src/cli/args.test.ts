import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from './args.ts';
import { UsageError } from './usage-error.ts';

const usageError = (pattern: RegExp) => (error: unknown) =>
  error instanceof UsageError && pattern.test(error.message);

describe('parseArgs', () => {
  it('leaves everything unset when no flag is given, so env and config.yaml can fill it', () => {
    const args = parseArgs([]);
    assert.equal(args.host, undefined);
    assert.equal(args.port, undefined);
    assert.equal(args.dropParams, false);
    assert.deepEqual(args.warnings, []);
  });

  it('reads LiteLLM flags with their types', () => {
    const args = parseArgs([
      '--model',
      'gpt-4o-mini',
      '--alias',
      'fast',
      '--drop_params',
      '--port',
      '8080',
      '--host',
      '127.0.0.1',
      '--request_timeout',
      '30',
      '--temperature',
      '0.5',
      '--max_tokens',
      '256',
      '--detailed_debug',
    ]);
    assert.equal(args.model, 'gpt-4o-mini');
    assert.equal(args.alias, 'fast');
    assert.equal(args.dropParams, true);
    assert.equal(args.port, 8080);
    assert.equal(args.host, '127.0.0.1');
    assert.equal(args.requestTimeout, 30);
    assert.equal(args.temperature, 0.5);
    assert.equal(args.maxTokens, 256);
    assert.equal(args.detailedDebug, true);
  });

  it('takes short flags -m, -c, -v and -h', () => {
    const args = parseArgs(['-m', 'mock/demo', '-c', 'config.yaml', '-v', '-h']);
    assert.equal(args.model, 'mock/demo');
    assert.equal(args.config, 'config.yaml');
    assert.equal(args.version, true);
    assert.equal(args.help, true);
  });

  it('accepts dash spellings as synonyms, with a space or an =', () => {
    const args = parseArgs([
      '--api-base',
      'http://localhost:8000/v1',
      '--drop-params',
      '--request-timeout=12',
      '--max-tokens',
      '5',
      '--detailed-debug',
      '--validate-config',
      '--api-version=2024-02-01',
    ]);
    assert.equal(args.apiBase, 'http://localhost:8000/v1');
    assert.equal(args.dropParams, true);
    assert.equal(args.requestTimeout, 12);
    assert.equal(args.maxTokens, 5);
    assert.equal(args.detailedDebug, true);
    assert.equal(args.validateConfig, true);
    assert.equal(args.apiVersion, '2024-02-01');
  });

  it('takes --num_workers, and --max_budget with a warning that it is ignored', () => {
    const args = parseArgs(['--num-workers', '4', '--max_budget', '10']);
    assert.equal(args.numWorkers, 4);
    assert.equal(args.warnings.length, 1);
    assert.match(args.warnings[0] ?? '', /--max_budget is not supported yet and is ignored/);
  });

  it('refuses an unknown flag, suggesting the nearest one and --help', () => {
    assert.throws(
      () => parseArgs(['--modle', 'x']),
      usageError(/unknown option --modle\. Did you mean --model\?.*--help/),
    );
    assert.throws(
      () => parseArgs(['--frobnicate']),
      usageError(/unknown option --frobnicate\. Run `tollgate --help`/),
    );
  });

  it('refuses positional arguments and missing values', () => {
    assert.throws(() => parseArgs(['gpt-4o-mini']), usageError(/unexpected argument "gpt-4o-mini"/));
    assert.throws(() => parseArgs(['--model']), usageError(/--model needs a value/));
    assert.throws(() => parseArgs(['--drop_params=yes']), usageError(/--drop_params is a switch/));
  });

  it('validates numbers and names the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port=-1'], /--port must be a whole number from 0 to 65535/],
      [['--port', '65536'], /--port/],
      [['--port', '80.5'], /--port/],
      [['--port', 'http'], /--port/],
      [['--request_timeout', '0'], /--request_timeout must be a number of seconds > 0/],
      [['--temperature', '2.5'], /--temperature must be a number from 0 to 2/],
      [['--temperature=-1'], /--temperature/],
      [['--max_tokens', '1.5'], /--max_tokens must be a whole number/],
      [['--max-tokens', '0'], /--max_tokens/],
    ];
    for (const [argv, pattern] of cases)
      assert.throws(() => parseArgs(argv), usageError(pattern), argv.join(' '));
  });

  it('explains how to pass a value that starts with a dash', () => {
    assert.throws(() => parseArgs(['--temperature', '-1']), usageError(/write --temperature=<value>/));
  });

  it('takes --import_litellm_db with its URL (dashes too), and refuses it without one', () => {
    const url = 'postgresql://llmproxy:pw@db:5432/litellm';
    assert.equal(parseArgs(['--import_litellm_db', url]).importLitellmDb, url);
    assert.equal(parseArgs([`--import-litellm-db=${url}`]).importLitellmDb, url);
    assert.equal(parseArgs([]).importLitellmDb, undefined);
    assert.throws(() => parseArgs(['--import_litellm_db']), UsageError);
  });

  it('refuses an empty value', () => {
    assert.throws(() => parseArgs(['--model', '']), usageError(/--model needs a value/));
  });
});
