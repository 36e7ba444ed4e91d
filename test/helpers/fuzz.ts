/**
 * A small seeded generator for the abuse tests: the same seed gives the same inputs, so a failure
 * reproduces from the seed the test prints. `ABUSE_SEED=<n>` replays or explores another seed.
 */

export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(length: number): Buffer;
}

/** mulberry32: tiny, fast and good enough to spread inputs; not for anything secret. */
export function rng(seed = Number(process.env.ABUSE_SEED ?? 0x7011_6a7e)): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(items.length)] as (typeof items)[number],
    bytes: (length) => Buffer.from(Array.from({ length }, () => int(256))),
  };
}

/** A copy of `bytes` with a few random mutations: bit flips, cuts, duplicated and inserted runs. */
export function mutate(r: Rng, bytes: Buffer): Buffer {
  let out = Buffer.from(bytes);
  const rounds = 1 + r.int(4);
  for (let i = 0; i < rounds && out.length > 0; i++) {
    const at = r.int(out.length);
    switch (r.int(5)) {
      case 0:
        out[at] = (out[at] as number) ^ (1 << r.int(8));
        break;
      case 1:
        out = out.subarray(0, at);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + 1 + r.int(32)), out.subarray(at)]);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at), r.bytes(1 + r.int(8)), out.subarray(at)]);
        break;
      default:
        out[at] = r.int(256);
    }
  }
  return out;
}

/** A short description of an input for a failure message: its first bytes as JSON or hex. */
export function describeInput(input: Buffer | string): string {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const shown = /^[\x20-\x7e\s]*$/.test(text.slice(0, 1500))
    ? JSON.stringify(text.slice(0, 1500))
    : `hex ${Buffer.from(input).subarray(0, 150).toString('hex')}`;
  return `${shown}${text.length > 1500 ? ` … (${text.length} chars)` : ''}`;
}

/** How many generated inputs per fuzz loop, times this: `ABUSE_SCALE=100` for a long fuzz run. */
export const FUZZ_SCALE = Math.max(1, Number(process.env.ABUSE_SCALE ?? 1));
