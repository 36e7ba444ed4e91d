// Closed loop with wrk (C, epoll): it costs far less CPU per request than a Node generator, so on
// a 2-core box more of the machine is left to the system under test and req/s reads higher.
// The Lua script is generated per run so the POST body and headers match the other generators;
// its done() hook prints one JSON line, which is sturdier to parse than wrk's human summary.
// Run: node bench/wrk.ts --url http://127.0.0.1:PORT/v1/chat/completions --connections 50 --duration 10 [--stream]
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Endpoint } from './endpoint.ts';
import { GENERATOR_FLAGS, generatorTarget } from './endpoint.ts';
import { rate as fmtRate, ms } from './format.ts';

export interface WrkOptions {
  endpoint: Endpoint;
  connections: number;
  durationS: number;
  /** A separate, discarded wrk run first (wrk has no warm-up of its own). */
  warmupS: number;
  threads?: number;
}

export interface WrkResult {
  connections: number;
  requests: number;
  /** Including the warm-up run: what the server's CPU time was spent on. */
  totalRequests: number;
  errors: number;
  /** Successful (2xx) answers per second. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface WrkJson {
  requests: number;
  duration_us: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
}

const MARK = 'WRK_JSON ';

export function findWrk(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'wrk');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function luaString(s: string): string {
  // A long bracket needs no escaping as long as the closing bracket does not occur in s.
  let eq = '=';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${s}]${eq}]`;
}

function luaScript(ep: Endpoint): string {
  const headers = Object.entries(ep.headers)
    // The spaces matter: `[[` would open a Lua long string.
    .map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`)
    .join('\n');
  const fields = 'requests duration_us connect read write status timeout p50_us p90_us p99_us max_us'.split(
    ' ',
  );
  const format = fields.map((f) => `"${f}":%.0f`).join(',');
  return `wrk.method = "POST"
wrk.body = ${luaString(ep.body)}
${headers}
done = function(s, latency, requests)
  local e = s.errors
  io.write(string.format('${MARK}{${format}}\\n', s.requests, s.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;
}

/** wrk exits 0 even when its script fails to load, so the caller also checks for the JSON line. */
function exec(bin: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

async function runOnce(bin: string, args: string[], seconds: number): Promise<WrkJson> {
  const out = await exec(bin, args, (seconds + 60) * 1000);
  const line = out.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`wrk printed no summary:\n${out.stdout}\n${out.stderr}`);
  return JSON.parse(line.slice(MARK.length)) as WrkJson;
}

export async function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const bin = findWrk();
  if (!bin) throw new Error('wrk is not on PATH (apt-get install -y wrk)');
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-wrk-'));
  try {
    const script = join(dir, 'post.lua');
    writeFileSync(script, luaScript(opts.endpoint));
    const url = `${opts.endpoint.origin}${opts.endpoint.path}`;
    const args = (seconds: number): string[] => [
      `-t${opts.threads ?? 1}`,
      `-c${opts.connections}`,
      `-d${Math.max(1, Math.round(seconds))}s`,
      '--timeout',
      '30s',
      '-s',
      script,
      url,
    ];
    const warm = opts.warmupS > 0 ? await runOnce(bin, args(opts.warmupS), opts.warmupS) : undefined;
    const j = await runOnce(bin, args(opts.durationS), opts.durationS);
    // Socket errors and non-2xx answers both count; wrk's own req/s includes the non-2xx ones.
    const errors = j.connect + j.read + j.write + j.status + j.timeout;
    return {
      connections: opts.connections,
      requests: j.requests,
      totalRequests: j.requests + (warm?.requests ?? 0),
      errors,
      rps: (j.requests - j.status) / (j.duration_us / 1e6),
      p50: j.p50_us / 1000,
      p90: j.p90_us / 1000,
      p99: j.p99_us / 1000,
      max: j.max_us / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatWrk(r: WrkResult): string {
  return `wrk ${r.connections} connections: ${fmtRate(r.rps)} req/s, ${r.requests} requests, ${r.errors} errors\n  latency: p50 ${ms(r.p50)} ms, p90 ${ms(r.p90)} ms, p99 ${ms(r.p99)} ms, max ${ms(r.max)} ms`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...GENERATOR_FLAGS,
      connections: { type: 'string', default: '50' },
      threads: { type: 'string', default: '1' },
    },
  });
  const result = await runWrk({
    ...generatorTarget(values),
    connections: Number(values.connections),
    threads: Number(values.threads),
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatWrk(result));
}

if (import.meta.main) await main();
