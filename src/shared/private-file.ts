/**
 * Database files hold prompts, answers and webhook secrets: readable by their owner only. SQLite gives
 * its -wal and -shm files the database file's permissions, so creating the file 0600 (and tightening one
 * an older version created 0644) covers all three.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export function preparePrivateFile(path: string): void {
  // In memory, or an SQLite URI (`file:…?mode=memory`, the store's shared in-memory database): no file.
  if (path === ':memory:' || path.startsWith('file:')) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}
