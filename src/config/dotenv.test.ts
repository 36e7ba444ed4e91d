import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error.ts';
import { loadDotenv } from './dotenv.ts';

function dirWithDotenv(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-dotenv-'));
  writeFileSync(join(dir, '.env'), text);
  return dir;
}

describe('loadDotenv', () => {
  it('fills variables that are not set and never overrides those that are', () => {
    const dir = dirWithDotenv('OPENAI_API_KEY=from-file\nexport PORT=5000\n# a comment\n\nHOST=\n');
    const env: NodeJS.ProcessEnv = { OPENAI_API_KEY: 'from-shell', HOST: '' };
    const result = loadDotenv(env, dir);
    assert.equal(env.OPENAI_API_KEY, 'from-shell');
    assert.equal(env.PORT, '5000');
    assert.equal(env.HOST, '', 'set to empty in the shell still counts as set');
    assert.deepEqual(result.applied, ['PORT']);
  });

  it('reads quoted and multi-line values', () => {
    const dir = dirWithDotenv('A="two words"\nB=\'single\'\nCERT="line 1\nline 2"\nC=after\n');
    const env: NodeJS.ProcessEnv = {};
    loadDotenv(env, dir);
    assert.equal(env.A, 'two words');
    assert.equal(env.B, 'single');
    assert.equal(env.CERT, 'line 1\nline 2');
    assert.equal(env.C, 'after');
  });

  it('is fine without a .env file', () => {
    const env: NodeJS.ProcessEnv = {};
    assert.deepEqual(loadDotenv(env, mkdtempSync(join(tmpdir(), 'tollgate-dotenv-'))), { applied: [] });
    assert.deepEqual(env, {});
  });

  it('refuses a line without "=", naming the line but not its content', () => {
    const dir = dirWithDotenv('PORT=4000\nOPENAI_API_KEY sk-live-secret\n');
    assert.throws(
      () => loadDotenv({}, dir),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === '.env:2: expected NAME=value' &&
        !error.message.includes('sk-live-secret'),
    );
  });

  it('refuses a quote that is never closed', () => {
    const dir = dirWithDotenv('A="open\nB=2\n');
    assert.throws(() => loadDotenv({}, dir), /\.env:1: the value's opening " is never closed/);
  });

  it('refuses a .env that cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-dotenv-'));
    mkdirSync(join(dir, '.env'));
    assert.throws(
      () => loadDotenv({}, dir),
      (error: unknown) => error instanceof ConfigError && /EISDIR/.test(error.message),
    );
  });
});
