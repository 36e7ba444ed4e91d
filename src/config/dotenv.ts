/** `.env` in the working directory, read the way most tools do: it fills gaps, never overrides. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error.ts';

export interface DotenvResult {
  /** The file read, or undefined when there is none. */
  path?: string;
  /** Names taken from the file (those not already set in the environment). */
  applied: string[];
}

/** Loads `<cwd>/.env` into `env`; variables already set (even to "") keep their value. */
export function loadDotenv(env: NodeJS.ProcessEnv, cwd: string): DotenvResult {
  const path = join(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { applied: [] };
    throw new ConfigError(`.env: cannot be read (${errorCode(error) ?? 'unknown error'})`);
  }
  checkSyntax(text);
  const applied: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  return { path, applied };
}

const ASSIGNMENT = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=(.*)$/;

/**
 * parseEnv skips lines it cannot read without a word, so `OPENAI_API_KEY sk-…` (no `=`) would leave
 * the key unset with no hint why. We refuse such a file instead, naming the line but never its text,
 * which is likely to hold a secret.
 */
function checkSyntax(text: string): void {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const value = ASSIGNMENT.exec(line)?.[1]?.trim();
    if (value === undefined) throw new ConfigError(`.env:${i + 1}: expected NAME=value`);
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') continue;
    if (value.indexOf(quote, 1) !== -1) continue;
    // A quoted value may span lines; it ends on the first later line holding the same quote.
    const end = lines.findIndex((later, j) => j > i && later.includes(quote));
    if (end === -1) throw new ConfigError(`.env:${i + 1}: the value's opening ${quote} is never closed`);
    i = end;
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
