/**
 * The `trace_id` OpenObserve puts in a search's answer and in its errors, so a user can quote it: the
 * caller's own (`x-openobserve-trace-id`, or W3C `traceparent`), else a new one, time-ordered as
 * OpenObserve's (a UUID v7 as 32 hex digits). One per request, the same in the answer and the error.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

const ids = new WeakMap<FastifyRequest, string>();

export function traceIdOf(request: FastifyRequest): string {
  let id = ids.get(request);
  if (id === undefined) {
    id = fromHeaders(request) ?? newTraceId();
    ids.set(request, id);
  }
  return id;
}

const HEX32 = /^[0-9a-f]{32}$/i;
const ZEROS = /^0+$/;

function fromHeaders(request: FastifyRequest): string | undefined {
  const own = first(request.headers['x-openobserve-trace-id']);
  if (own && HEX32.test(own) && !ZEROS.test(own)) return own;
  const parent = first(request.headers.traceparent)?.split('-')[1];
  if (parent && parent.length === 32 && !ZEROS.test(parent)) return parent;
  return undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.trim();
}

/** A UUID v7: 48 bits of milliseconds, the version, then random bits. */
export function newTraceId(nowMs = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  return bytes.toString('hex');
}
