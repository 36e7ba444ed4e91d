// Sub-millisecond send schedule for the open-loop generator. libuv timers have 1 ms resolution and
// fire 0–1 ms late; since latency is measured from the *scheduled* time, that lateness would be
// charged to the server (≈ +0.5 ms on a 0.3 ms p50). A worker thread sleeping in Atomics.wait
// (a futex with a fractional-ms timeout) plus a short final spin wakes on time and pings the main
// thread, without burning a core in a spin loop on a 2-core machine shared with the system under test.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { nowMs } from './clock.ts';

interface MetronomeData {
  role: 'metronome';
  startMs: number;
  intervalMs: number;
  count: number;
  stop: SharedArrayBuffer;
}

export interface Metronome {
  /** Resolves once every tick has been posted (or after stop()). */
  done: Promise<void>;
  stop(): void;
}

/** Calls onTick(i) at startMs + i × intervalMs for i in [0, count). */
export function startMetronome(
  startMs: number,
  intervalMs: number,
  count: number,
  onTick: (i: number) => void,
): Metronome {
  const stop = new SharedArrayBuffer(4);
  const data: MetronomeData = { role: 'metronome', startMs, intervalMs, count, stop };
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  worker.on('message', (i: number) => onTick(i));
  const done = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
  return {
    done,
    stop: () => {
      const flag = new Int32Array(stop);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    },
  };
}

/**
 * The futex wakes ~0.1 ms late here (kernel timer slack plus VM scheduling), so sleep until
 * SPIN_MS before the due time and spin the rest: ≈ 3 % of a core at 200 req/s, and it brings the
 * send lag from ≈ 0.15 ms to ≈ 0.05 ms at p50.
 */
const SPIN_MS = 0.15;

function runWorker(data: MetronomeData): void {
  const flag = new Int32Array(data.stop);
  for (let i = 0; i < data.count; i++) {
    const due = data.startMs + i * data.intervalMs;
    const wait = due - nowMs() - SPIN_MS;
    // 'ok' / 'not-equal' mean stop() was called; 'timed-out' is the normal wake-up.
    if (wait > 0 && Atomics.wait(flag, 0, 0, wait) !== 'timed-out') return;
    while (nowMs() < due) {
      // spin: see SPIN_MS
    }
    if (Atomics.load(flag, 0) !== 0) return;
    parentPort?.postMessage(i);
  }
}

if (!isMainThread && (workerData as Partial<MetronomeData> | null)?.role === 'metronome') {
  runWorker(workerData as MetronomeData);
}

/**
 * The naive schedule (setTimeout on the main thread), kept to show what the metronome buys:
 * `open-loop.ts --scheduler timers` reports the 0–1 ms send lag it adds.
 */
export function startTimerSchedule(
  startMs: number,
  intervalMs: number,
  count: number,
  onTick: (i: number) => void,
): Metronome {
  let stopped = false;
  let i = 0;
  const done = new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = nowMs();
      while (!stopped && i < count && startMs + i * intervalMs <= now) onTick(i++);
      if (stopped || i >= count) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, startMs + i * intervalMs - nowMs()));
    };
    tick();
  });
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}
