/**
 * Switching a database file to WAL. Every gateway worker (--num_workers) opens the same files at start,
 * and on a new file two of them switching at the same moment deadlock inside SQLite: each holds a read
 * lock while it asks to write the header, so SQLite answers SQLITE_BUSY at once, without waiting the
 * connection's busy timeout (a wait could never end). The loser tries again after the winner is done;
 * the second switch finds the file in WAL already and is a no-op.
 */
import type { DatabaseSync } from 'node:sqlite';

const SQLITE_BUSY = 5;
const GIVE_UP_MS = 5000;

export function enterWal(db: DatabaseSync): void {
  const deadline = Date.now() + GIVE_UP_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      // A constructor cannot await: block this thread only (each worker has its own), for milliseconds.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}

function isBusy(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'errcode' in err &&
    typeof err.errcode === 'number' &&
    (err.errcode & 0xff) === SQLITE_BUSY
  );
}
