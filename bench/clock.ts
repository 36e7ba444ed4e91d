// One monotonic clock for every timing in the bench, in milliseconds.
// process.hrtime is process-wide (unlike performance.now(), whose origin differs per worker thread),
// so the metronome worker and the main thread can agree on scheduled send times.
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
