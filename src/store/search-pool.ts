/**
 * The gateway's search processes (`search-process.ts`) for a file-backed store: user SQL runs there,
 * never in the store worker, so ingest goes on whatever a search does. A search that outlives its time
 * limit is answered 408 and its process SIGKILLed (the only way to stop a SQLite step that reads no
 * rows), so no search outlives its limit by more than `KILL_GRACE_MS`. Processes start on demand, up
 * to `processes`, so one runaway query does not hold the others, and exit when idle, so an idle gateway
 * holds none. Waiting is bounded too: past `maxQueued` waiting searches, or after waiting for a process
 * longer than a runaway search can hold one (its time limit, then a replacement's start), a search is
 * answered 503.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SEARCH_ERRORS, timeLimitMessage } from './search/query-error.ts';
import type { SearchProcessOptions } from './search-process.ts';
import type { ReadMethod } from './store-api.ts';
import { StoreError } from './store-error.ts';
import { replyError, type StoreReply } from './store-protocol.ts';

export interface SearchPoolOptions extends SearchProcessOptions {
  /** The most search processes at once. */
  processes: number;
  /** The most searches waiting for a process. */
  maxQueued: number;
  /** A process with nothing to do for this long exits. */
  idleMs: number;
  log?: (message: string) => void;
}

/**
 * How long past the time limit a search may run before its process is killed. Within it, a search
 * that reads rows stops itself at the limit (the query runner's tick) and its process stays.
 */
export const KILL_GRACE_MS = 250;
/** Longest a new process may take to open the database. */
const START_LIMIT_MS = 10_000;
/** Longest a search waits for a process: long enough for a runaway one to be killed and replaced. */
const WAIT_PAST_LIMIT_MS = KILL_GRACE_MS + START_LIMIT_MS;
const ENTRY = fileURLToPath(new URL('./search-process.ts', import.meta.url));

interface Job {
  id: number;
  method: ReadMethod;
  params: unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  /** While queued: answers 503 when no process became free in time. */
  waiting?: NodeJS.Timeout;
}

interface SearchProcess {
  child: ChildProcess;
  ready: boolean;
  job: Job | undefined;
  /** The start limit, the running search's deadline or the idle exit, whichever applies. */
  timer: NodeJS.Timeout | undefined;
}

export class SearchPool {
  readonly #options: SearchPoolOptions;
  readonly #processes = new Set<SearchProcess>();
  readonly #queue: Job[] = [];
  #next = 1;
  #closed = false;
  /** A gateway that exits (even by an uncaught error) takes its search processes with it. */
  readonly #killAll = () => {
    for (const p of this.#processes) p.child.kill('SIGKILL');
  };

  constructor(options: SearchPoolOptions) {
    this.#options = options;
  }

  /** Runs a read method in a search process; the answer is what the method returns there. */
  run(method: ReadMethod, params: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(new StoreError('The trace store is closed', 503));
    if (this.#queue.length >= this.#options.maxQueued)
      return Promise.reject(new StoreError('Too many searches are waiting; retry shortly', 503));
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.#next++, method, params, resolve, reject };
      job.waiting = setTimeout(() => {
        this.#queue.splice(this.#queue.indexOf(job), 1);
        reject(new StoreError('Every search process is busy; retry shortly', 503));
      }, this.#options.timeLimitMs + WAIT_PAST_LIMIT_MS);
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** The search processes' ids (for tests and diagnostics). */
  pids(): number[] {
    return [...this.#processes].flatMap((p) => (p.child.pid === undefined ? [] : [p.child.pid]));
  }

  /** Stops every process at once (they only read); searches in flight or waiting answer 503. */
  close(): void {
    this.#closed = true;
    const closed = new StoreError('The trace store is closed', 503);
    for (const job of this.#queue.splice(0)) {
      clearTimeout(job.waiting);
      job.reject(closed);
    }
    for (const p of [...this.#processes]) this.#retire(p, 'SIGKILL')?.reject(closed);
  }

  /** Hands waiting searches to free processes, starting new ones up to the limit. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const free = [...this.#processes].find((p) => p.job === undefined) ?? this.#spawn();
      if (!free) return;
      const job = this.#queue.shift() as Job;
      clearTimeout(job.waiting);
      free.job = job;
      // A process still starting keeps its start limit; its ready message sends the search.
      if (!free.ready) continue;
      clearTimeout(free.timer);
      this.#send(free);
    }
  }

  #spawn(): SearchProcess | undefined {
    if (this.#processes.size >= this.#options.processes) return undefined;
    const { path, timeLimitMs, maxBodyBytes } = this.#options;
    const child = fork(ENTRY, [JSON.stringify({ path, timeLimitMs, maxBodyBytes })], {
      // Not the gateway's flags: --inspect would clash over its port, and --test has no place here.
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // Neither the process nor its channel keeps the gateway running; a search in flight has its timer.
    child.unref();
    child.channel?.unref();
    const p: SearchProcess = { child, ready: false, job: undefined, timer: undefined };
    p.timer = setTimeout(() => this.#fail(p, 'did not start in time', 503), START_LIMIT_MS);
    if (this.#processes.size === 0) process.on('exit', this.#killAll);
    this.#processes.add(p);
    child.on('message', (reply: StoreReply) => this.#answer(p, reply));
    child.on('error', (err) => this.#fail(p, err.message, 503));
    child.on('exit', (code, signal) => this.#fail(p, `exited (${signal ?? `code ${code}`})`, 500));
    return p;
  }

  #send(p: SearchProcess): void {
    const job = p.job as Job;
    p.timer = setTimeout(() => {
      // Past the limit and still running: it reads no rows, or is stuck in one step. Only a kill stops it.
      const { code, status, message } = SEARCH_ERRORS.timeout;
      const detail = timeLimitMessage(this.#options.timeLimitMs);
      this.#retire(p, 'SIGKILL')?.reject(new StoreError(message, status, { code, detail }));
      this.#pump();
    }, this.#options.timeLimitMs + KILL_GRACE_MS);
    p.child.send({ id: job.id, method: job.method, params: job.params });
  }

  #answer(p: SearchProcess, reply: StoreReply): void {
    if (reply.id === 0) this.#started(p, reply);
    else this.#finished(p, reply);
  }

  #started(p: SearchProcess, reply: StoreReply): void {
    if (!reply.ok) {
      this.#fail(p, `could not open the trace store: ${reply.message}`, 500);
      return;
    }
    p.ready = true;
    clearTimeout(p.timer);
    if (p.job) this.#send(p);
    else this.#idle(p);
  }

  #finished(p: SearchProcess, reply: StoreReply): void {
    const job = p.job;
    if (!job || job.id !== reply.id) return;
    clearTimeout(p.timer);
    p.job = undefined;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(replyError(reply));
    this.#pump();
    if (!p.job) this.#idle(p);
  }

  #idle(p: SearchProcess): void {
    p.timer = setTimeout(() => this.#retire(p, 'SIGTERM'), this.#options.idleMs);
    p.timer.unref();
  }

  /** A process that failed or died: its search (if any) answers `status`, and waiting ones get another. */
  #fail(p: SearchProcess, why: string, status: number): void {
    if (!this.#processes.has(p)) return;
    this.#options.log?.(`a search process ${why}; the next search starts another`);
    this.#retire(p, 'SIGKILL')?.reject(new StoreError(`The search process ${why}`, status));
    this.#pump();
  }

  /** Stops `p` and forgets it; returns the search it was running, for the caller to answer. */
  #retire(p: SearchProcess, signal: NodeJS.Signals): Job | undefined {
    if (!this.#processes.delete(p)) return undefined;
    clearTimeout(p.timer);
    p.child.kill(signal);
    if (this.#processes.size === 0) process.off('exit', this.#killAll);
    const job = p.job;
    p.job = undefined;
    return job;
  }
}
