/**
 * A search process's watchdog thread: it ends the process once the gateway that started it is gone.
 * The IPC channel's `disconnect` says so too, but only to an idle process: one stuck in a long SQLite
 * step never gets back to its event loop, and would run on, orphaned, for as long as the query does.
 * This thread's own loop stays free, and the parent pid changes when the parent dies (re-parenting).
 */
import { workerData } from 'node:worker_threads';

const CHECK_EVERY_MS = 250;
const parent = workerData as number;

setInterval(() => {
  // From a worker thread, process.kill signals the whole process: SIGKILL stops the SQLite step too.
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, CHECK_EVERY_MS);
