/**
 * `--num_workers N` (LiteLLM's flag): N gateway processes sharing one port through node:cluster. The
 * primary only forks, restarts a worker that dies, and passes a stop on to every worker; each worker is a
 * whole gateway (its own routing state unless Redis is configured) writing its spans to the same trace
 * store file and exporters. Worker 0 prints the banner and runs the alert schedule, so neither is doubled.
 */
import cluster, { type Worker } from 'node:cluster';

/** This process's place among the workers: 0 when it is the only process or the first worker. */
export function workerIndex(): number {
  return cluster.isWorker ? Number(process.env.TOLLGATE_WORKER_INDEX ?? 0) : 0;
}

export const isWorker = (): boolean => cluster.isWorker;

/** True in a worker that replaces one that died: it does not print the banner again. */
export const isRestart = (): boolean => process.env.TOLLGATE_WORKER_RESTART === '1';

let primaryAsked = false;
let onPrimaryAsk: (() => void) | undefined;

/**
 * In a worker, listens for the primary's request to stop from the very start: a worker still starting
 * when the gateway is stopped must stop as soon as it can serve, not keep running alone.
 */
export function watchPrimary(): void {
  if (!cluster.isWorker) return;
  process.on('message', (message: unknown) => {
    if ((message as { tollgate?: string } | null)?.tollgate !== 'shutdown' || primaryAsked) return;
    primaryAsked = true;
    onPrimaryAsk?.();
  });
}

/** Calls `stop` when the primary asks this worker to stop (at once if it already has). */
export function onPrimaryShutdown(stop: () => void): void {
  onPrimaryAsk = stop;
  if (primaryAsked) stop();
}

/** Restarts allowed within a minute before the primary gives up (a worker that cannot start at all). */
const MAX_RESTARTS_PER_MINUTE = 5;

/** Runs the primary: forks `n` workers and stays until they have all stopped. Resolves to the exit code. */
export function runPrimary(n: number): Promise<number> {
  return new Promise((resolve) => {
    const workers = new Map<number, Worker>();
    const restarts: number[] = [];
    let stopping = false;
    let failed = false;

    const fork = (index: number, restart: boolean) => {
      const worker = cluster.fork({
        TOLLGATE_WORKER_INDEX: String(index),
        ...(restart ? { TOLLGATE_WORKER_RESTART: '1' } : {}),
      });
      workers.set(index, worker);
      worker.on('exit', (code, signal) => {
        workers.delete(index);
        if (stopping) {
          if (code !== 0) failed = true;
          if (workers.size === 0) resolve(failed ? 1 : 0);
          return;
        }
        const now = Date.now();
        restarts.push(now);
        while ((restarts[0] ?? now) < now - 60_000) restarts.shift();
        process.stderr.write(`tollgate: worker ${index} stopped (${signal ?? `exit code ${code}`})\n`);
        if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
          process.stderr.write('tollgate: workers keep stopping; giving up\n');
          stop(true);
          return;
        }
        setTimeout(() => fork(index, true), 1000).unref();
      });
    };

    /** Asks every worker to finish its requests and stop (a message, not a signal: see shutdown.ts). */
    const stop = (failure = false) => {
      if (failure) failed = true;
      if (stopping) {
        // A second signal: stop now.
        for (const w of workers.values()) w.process.kill('SIGKILL');
        resolve(1);
        return;
      }
      stopping = true;
      if (workers.size === 0) resolve(failed ? 1 : 0);
      for (const w of workers.values()) if (w.isConnected()) w.send({ tollgate: 'shutdown' });
    };
    process.on('SIGTERM', () => stop());
    process.on('SIGINT', () => stop());
    for (let i = 0; i < n; i++) fork(i, false);
  });
}
