/**
 * Routing state in Redis, so that every replica of the gateway sees the same cooldowns, rpm/tpm
 * counters, calls in flight and latencies. Each change is one atomic Lua script (an rpm check and its
 * increment cannot be split by another replica); a routing decision reads everything with one MGET.
 * Redis must never take the gateway down: while it is unreachable or slow, this process's own
 * in-memory state answers instead, and the connection keeps being retried in the background.
 */
import { randomUUID } from 'node:crypto';
import type { RedisSettings } from '../config/types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { type CooldownSettings, countsAgainst } from './cooldowns.ts';
import { closeRedis, type RedisClient, redisClient, withDeadline } from './redis-client.ts';
import { type DeploymentView, MemoryState, type RouterState, type Views } from './router-state.ts';

export interface StateLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const MINUTE_MS = 60_000;
/** A Redis call slower than this is abandoned for the in-memory answer: routing must stay fast. */
const COMMAND_TIMEOUT_MS = 500;
/** Weight of the newest latency in the moving average (as in deployment-stats.ts). */
const ALPHA = '0.3';

const START = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[1] ~= '' and n >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1]); redis.call('PEXPIRE', KEYS[1], 120000)
redis.call('INCR', KEYS[2]); redis.call('PEXPIRE', KEYS[2], 600000)
return 1`;

const FINISH = `
if redis.call('DECR', KEYS[1]) < 0 then redis.call('SET', KEYS[1], 0) end
if ARGV[2] == '1' then
  local x = tonumber(ARGV[1])
  local old = tonumber(redis.call('GET', KEYS[2]))
  if old then x = tonumber(ARGV[3]) * x + (1 - tonumber(ARGV[3])) * old end
  redis.call('SET', KEYS[2], tostring(x), 'PX', 3600000)
end
return 1`;

const FAILED = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('ZCARD', KEYS[1]) > tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], now + tonumber(ARGV[4]), 'PX', ARGV[4])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

/** Key names: the `{id}` hash tag keeps one deployment's keys in one slot of a Redis Cluster. */
const key = (id: string, what: string) => `tollgate:{${id}}:${what}`;
const minuteKeys = (id: string, minute: number) => [key(id, `rpm:${minute}`), key(id, `tpm:${minute}`)];

export class RedisState implements RouterState {
  readonly #client: RedisClient;
  readonly #memory: MemoryState;
  readonly #cooldowns: CooldownSettings;
  readonly #log: StateLog;
  readonly #where: string;
  #lastWarning = 0;

  constructor(settings: RedisSettings, cooldowns: CooldownSettings, log: StateLog) {
    this.#cooldowns = cooldowns;
    this.#memory = new MemoryState(cooldowns);
    this.#log = log;
    this.#where = settings.url ? redactedUrl(settings.url) : `${settings.host}:${settings.port ?? 6379}`;
    // Commands fail at once while disconnected, so the in-memory state answers instead of a queue.
    this.#client = redisClient(settings);
    this.#client.on('error', (err: unknown) => this.#degraded(err));
    this.#client.on('ready', () => log.info({ redis: this.#where }, 'routing state shared through Redis'));
  }

  /** Connects, waiting at most `waitMs`; when Redis is not there yet it keeps trying in the background. */
  async connect(waitMs = 3000): Promise<void> {
    const connecting = this.#client.connect().catch((err: unknown) => this.#degraded(err));
    await Promise.race([connecting, new Promise((r) => setTimeout(r, waitMs).unref())]);
  }

  get shared(): boolean {
    return this.#client.isReady;
  }

  async view(ids: readonly string[]): Promise<Views> {
    if (!this.#client.isReady) return this.#memory.view(ids);
    const minute = Math.floor(Date.now() / MINUTE_MS);
    const keys = ids.flatMap((id) => [
      key(id, 'cool'),
      key(id, 'busy'),
      ...minuteKeys(id, minute),
      key(id, 'lat'),
    ]);
    const values = await this.#try(() => this.#client.mGet(keys));
    if (values === undefined) return this.#memory.view(ids);
    const now = Date.now();
    const views = new Map<string, DeploymentView>();
    ids.forEach((id, i) => {
      const [cool, busy, rpm, tpm, lat] = values
        .slice(i * 5, i * 5 + 5)
        .map((v) => (v == null ? undefined : Number(v)));
      views.set(id, {
        cooldownMs: cool === undefined ? 0 : Math.max(0, cool - now),
        inFlight: busy ?? 0,
        requests: rpm ?? 0,
        tokens: tpm ?? 0,
        latencyMs: lat,
      });
    });
    return views;
  }

  async start(id: string, rpm: number | undefined): Promise<boolean> {
    const [rpmKey] = minuteKeys(id, Math.floor(Date.now() / MINUTE_MS));
    const started = await this.#try(() =>
      this.#client.eval(START, {
        keys: [rpmKey as string, key(id, 'busy')],
        arguments: [rpm === undefined ? '' : String(rpm)],
      }),
    );
    return started === undefined ? this.#memory.start(id, rpm) : started === 1;
  }

  finish(id: string, latencyMs: number, ok: boolean): void {
    if (!this.#client.isReady) {
      this.#memory.finish(id, latencyMs, ok);
      return;
    }
    void this.#try(() =>
      this.#client.eval(FINISH, {
        keys: [key(id, 'busy'), key(id, 'lat')],
        arguments: [String(latencyMs), ok ? '1' : '0', ALPHA],
      }),
    );
  }

  addTokens(id: string, tokens: number): void {
    if (tokens <= 0) return;
    if (!this.#client.isReady) {
      this.#memory.addTokens(id, tokens);
      return;
    }
    const [, tpmKey] = minuteKeys(id, Math.floor(Date.now() / MINUTE_MS));
    const k = tpmKey as string;
    void this.#try(() => this.#client.multi().incrBy(k, tokens).pExpire(k, 120_000).exec());
  }

  async failed(id: string, error: GatewayError): Promise<boolean> {
    const c = this.#cooldowns;
    if (c.disabled || !countsAgainst(error) || c.cooldownMs <= 0) return false;
    const cooled = await this.#try(() =>
      this.#client.eval(FAILED, {
        keys: [key(id, 'fails'), key(id, 'cool')],
        arguments: [
          String(Date.now()),
          String(MINUTE_MS),
          String(c.allowedFails),
          String(Math.round(c.cooldownMs)),
          randomUUID(),
        ],
      }),
    );
    return cooled === undefined ? this.#memory.failed(id, error) : cooled === 1;
  }

  close(): Promise<void> {
    return closeRedis(this.#client);
  }

  /** Runs a Redis call with a deadline; undefined (after a rate-limited warning) when it failed. */
  async #try<T>(call: () => Promise<T>): Promise<T | undefined> {
    if (!this.#client.isReady) return undefined;
    try {
      return await withDeadline(
        call,
        COMMAND_TIMEOUT_MS,
        () => new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`),
      );
    } catch (err) {
      this.#degraded(err);
      return undefined;
    }
  }

  #degraded(err: unknown): void {
    const now = Date.now();
    if (now - this.#lastWarning < MINUTE_MS) return;
    this.#lastWarning = now;
    this.#log.warn(
      { redis: this.#where, err: err instanceof Error ? err.message : String(err) },
      'Redis is unavailable: routing state is kept in this process until it is back',
    );
  }
}

/** The URL without its password, for logs. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis';
  }
}
