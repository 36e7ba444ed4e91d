// Per-process memory and CPU of the servers under test (Linux). CPU time is the steadier
// overhead signal on a noisy machine: latency moves with the neighbours, CPU ms per request less so.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident set size in MB, as `ps -o rss=` reports it (the methodology's memory measure). */
export function rssMb(pid: number): number {
  try {
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isFinite(kb) && kb > 0 ? kb / 1024 : Number.NaN;
  } catch {
    return Number.NaN; // process gone
  }
}

/** The same figure from /proc/PID/status (VmRSS): cheap enough to sample every 100 ms during a run,
 * where spawning ps would take the generator's CPU. */
export function rssMbNow(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) && kb > 0 ? kb / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time consumed so far by pid, in ms (10 ms resolution at CLK_TCK 100). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is parenthesised and may contain spaces: split after its closing paren.
    // What follows starts at field 3, so utime (14) and stime (15) are at indexes 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
}
