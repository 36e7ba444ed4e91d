/** Deterministic embeddings for the mock provider: the same text always maps to the same unit vector. */
import { hash } from './demo-text.ts';

export function embed(text: string, dimensions: number): Float32Array {
  let seed = hash(text);
  const out = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    // mulberry32: a tiny PRNG is enough; only determinism matters here.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const v = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
    out[i] = v;
    norm += v * v;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dimensions; i++) out[i] = (out[i] ?? 0) * scale;
  return out;
}

/** OpenAI's `float` or `base64` (little-endian float32) encoding. */
export function encodeEmbedding(vector: Float32Array, format: unknown): number[] | string {
  if (format === 'base64')
    return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
  return Array.from(vector);
}
