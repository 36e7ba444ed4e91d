/**
 * Graceful stop on SIGTERM/SIGINT: stop taking requests, let those in flight finish, export their spans, then exit —
 * within a deadline, so a stuck stream cannot keep a deploy waiting forever. A second signal exits now.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway/gateway.ts';
import type { StoreClient } from '../store/store-client.ts';
import type { Telemetry } from '../telemetry/telemetry.ts';
import { onPrimaryShutdown } from './workers.ts';

const DEADLINE_MS = 25_000;
/** Left after the deadline for the stopped requests to unwind and their spans to be exported. */
const LAST_EXPORT_MS = 3_000;

export function installShutdown(
  app: FastifyInstance,
  gateway: Gateway,
  logger: FastifyBaseLogger,
  telemetry?: Telemetry,
  store?: StoreClient,
): void {
  let stopping = false;
  /** Set when a --num_workers primary asked: the same stop may still arrive as a signal to the group. */
  let askedByPrimary = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping && askedByPrimary) {
      askedByPrimary = false;
      return;
    }
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const timer = setTimeout(() => {
      logger.warn('shutdown deadline reached: stopping the requests still in flight');
      // Each ends as `shutdown` (its client gets a 503 or a last error event) and is traced as such.
      gateway.shutdown();
      const last = setTimeout(() => {
        app.server.closeAllConnections();
        telemetry?.shutdown().finally(() => process.exit(1));
        setTimeout(() => process.exit(1), LAST_EXPORT_MS).unref();
      }, 500);
      last.unref();
    }, DEADLINE_MS - LAST_EXPORT_MS);
    timer.unref();
    app
      .close()
      // Spans of the requests that just finished are still queued: export them before leaving.
      .then(() =>
        telemetry
          ?.shutdown()
          .catch((err: unknown) => logger.warn({ err }, 'some spans could not be exported before exit')),
      )
      // After telemetry: its last spans go into the store, which then closes its database cleanly.
      .then(() => store?.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A --num_workers primary asks by message: Ctrl-C has already sent this worker its own SIGINT, and a
  // signal from the primary on top would count as the second one that means "exit now".
  onPrimaryShutdown(() => {
    if (stopping) return;
    stop('SIGTERM');
    askedByPrimary = true;
  });
}
