/** JSON with exact 64-bit integers: a bigint is written as its digits (a JSON number), never rounded. */

// JSON.rawJSON (Node 21+) is not in TypeScript's lib yet.
const raw = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? raw(value.toString()) : value;
}

export function stringify(value: unknown): string {
  return JSON.stringify(value, bigintReplacer);
}
