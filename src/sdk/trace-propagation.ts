/**
 * W3C trace context on outgoing HTTP requests, without extra spans: the active span's `traceparent` is
 * added to each request `fetch` (undici) and `node:http` start, so that the gateway's span becomes the
 * child of the application's own span (the `OpenAI Chat Completions` span of an instrumented client),
 * not of an HTTP span in between. Requests that already carry a `traceparent` are left alone.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { context, propagation } from '@opentelemetry/api';

/** What undici publishes on `undici:request:create` (Node's own fetch included). */
interface UndiciRequest {
  headers: string | string[];
  addHeader(name: string, value: string): unknown;
}

function onUndiciRequest(message: unknown): void {
  const request = (message as { request?: UndiciRequest }).request;
  if (!request || typeof request.addHeader !== 'function' || hasTraceparent(request.headers)) return;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  for (const [name, value] of Object.entries(carrier)) request.addHeader(name, value);
}

function onHttpRequest(message: unknown): void {
  const request = (message as { request?: ClientRequest }).request;
  if (!request || request.headersSent || request.hasHeader('traceparent')) return;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  for (const [name, value] of Object.entries(carrier)) request.setHeader(name, value);
}

function hasTraceparent(headers: string | string[]): boolean {
  if (Array.isArray(headers)) return headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'traceparent');
  return /(^|\r\n)traceparent:/i.test(headers);
}

let installed = false;

/** Starts adding `traceparent` to outgoing requests; idempotent. */
export function propagateTraceContext(): void {
  if (installed) return;
  installed = true;
  diagnostics.subscribe('undici:request:create', onUndiciRequest);
  // `http.client.request.created` fires before the headers are sent (Node ≥ 22.12); `.start` is older.
  diagnostics.subscribe('http.client.request.created', onHttpRequest);
  diagnostics.subscribe('http.client.request.start', onHttpRequest);
}

/** Stops it again (after `shutdown()`). */
export function stopTraceContext(): void {
  if (!installed) return;
  installed = false;
  diagnostics.unsubscribe('undici:request:create', onUndiciRequest);
  diagnostics.unsubscribe('http.client.request.created', onHttpRequest);
  diagnostics.unsubscribe('http.client.request.start', onHttpRequest);
}
