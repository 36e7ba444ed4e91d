/** Turns node:util parseArgs' terse errors into messages that tell a person what to type instead. */
import { UsageError } from './usage-error.ts';

const SEE_HELP = 'Run `tollgate --help` to see the options.';

/** Maps an error thrown by node:util parseArgs to a UsageError; anything else is rethrown as is. */
export function usageErrorFrom(error: unknown, flags: string[]): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (!('code' in error)) return error;
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const hint = closest(quoted.replace(/^-+/, '').replaceAll('-', '_'), flags);
      const suggestion = hint ? ` Did you mean --${hint}?` : '';
      return new UsageError(`unknown option ${quoted}.${suggestion} ${SEE_HELP}`);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument "${quoted}": tollgate takes only options. ${SEE_HELP}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // parseArgs quotes the option as `-m, --model <value>`: name it by its long form.
      const flag = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
      if (error.message.includes('does not take an argument')) {
        return new UsageError(`${flag} is a switch and takes no value. ${SEE_HELP}`);
      }
      if (error.message.includes('ambiguous')) {
        // parseArgs refuses `--temperature -1` because -1 could be a flag; `=` makes it unambiguous.
        return new UsageError(
          `${flag} needs a value; to pass one that starts with "-", write ${flag}=<value>`,
        );
      }
      return new UsageError(`${flag} needs a value. ${SEE_HELP}`);
    }
    default:
      return new UsageError(`${error.message} ${SEE_HELP}`);
  }
}

/** The known flag nearest to a mistyped one (at most two edits away), for "did you mean". */
function closest(typed: string, flags: string[]): string | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const flag of flags) {
    const distance = editDistance(typed, flag);
    if (distance <= 2 && (!best || distance < best.distance)) best = { flag, distance };
  }
  return best?.flag;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
