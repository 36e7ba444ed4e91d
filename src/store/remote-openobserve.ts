/**
 * A remote OpenObserve (or anything serving its search API) that the gateway reads instead of an
 * embedded store: the UI's and the alerts' calls are forwarded to it, with the credentials the gateway
 * exports with added here, server-side. The org and stream the UI names (`default`) become the ones the
 * gateway exports to (OPENOBSERVE_ORG, OPENOBSERVE_TRACES_STREAM_NAME). Answers are bounded in size and
 * time: a remote that streams forever or never answers cannot hold a gateway connection open.
 */
import { Agent, errors, request } from 'undici';

export interface RemoteOpenObserveOptions {
  /** Base URL, as in OPENOBSERVE_URL; a trailing slash is fine. */
  url: string;
  org: string;
  stream: string;
  /** The whole Authorization value (OPENOBSERVE_AUTH_TOKEN). */
  authToken?: string;
  timeoutMs: number;
  /** Answers larger than this are refused with a 502 rather than read into memory. */
  maxBytes?: number;
}

export interface RemoteAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** The remote answered with an error status; `message` is its own. */
export class RemoteError extends Error {
  override name = 'RemoteError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** The remote could not be reached, answered too late, or too much: the route answers 502. */
export class RemoteUnavailable extends Error {
  override name = 'RemoteUnavailable';
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** The UI's name for "the org and stream the gateway writes to". */
const DEFAULT = 'default';

export class RemoteOpenObserve {
  readonly #options: RemoteOpenObserveOptions;
  readonly #base: string;
  readonly #agent: Agent;

  constructor(options: RemoteOpenObserveOptions) {
    this.#options = options;
    this.#base = options.url.replace(/\/+$/, '');
    this.#agent = new Agent({
      connectTimeout: Math.min(options.timeoutMs, 10_000),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Where it is, for messages: never carries the credentials. */
  get url(): string {
    return this.#base;
  }

  get org(): string {
    return this.#options.org;
  }

  get stream(): string {
    return this.#options.stream;
  }

  /** The remote's org for one the client named: `default` is the configured one. */
  orgOf(org: string): string {
    return org === DEFAULT ? this.#options.org : org;
  }

  /** The remote's stream for one the client named: `default` is the configured one. */
  streamOf(stream: string): string {
    return stream === DEFAULT ? this.#options.stream : stream;
  }

  /**
   * SQL the UI and alerts write reads `FROM "default"`; on a remote whose stream has another name, that
   * table name is the configured stream. Only that exact quoted name after FROM/JOIN is touched.
   */
  sqlOf(sql: string): string {
    if (this.#options.stream === DEFAULT) return sql;
    const quoted = `"${this.#options.stream.replaceAll('"', '""')}"`;
    return sql.replace(/\b(FROM|JOIN)(\s+)"default"/gi, (_m, keyword: string, space: string) => {
      return `${keyword}${space}${quoted}`;
    });
  }

  /**
   * One call: `path` starts at `/api/…` with the remote's org and stream already in it. The answer is
   * whatever the remote said (its status and JSON), or RemoteUnavailable.
   */
  async call(method: 'GET' | 'POST', path: string, body?: Buffer): Promise<RemoteAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#options.authToken) headers.authorization = this.#options.authToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const limit = this.#options.maxBytes ?? DEFAULT_MAX_BYTES;
    const signal = AbortSignal.timeout(this.#options.timeoutMs);
    try {
      const answer = await request(`${this.#base}${path}`, {
        method,
        headers,
        body,
        dispatcher: this.#agent,
        signal,
      });
      const declared = Number(answer.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) {
        answer.body.destroy();
        throw new RemoteUnavailable(`${this.#base} answered more than ${limit} bytes`);
      }
      const parts: Buffer[] = [];
      let size = 0;
      for await (const chunk of answer.body) {
        size += (chunk as Buffer).length;
        if (size > limit) {
          answer.body.destroy();
          throw new RemoteUnavailable(`${this.#base} answered more than ${limit} bytes`);
        }
        parts.push(chunk as Buffer);
      }
      const type = answer.headers['content-type'];
      return {
        status: answer.statusCode,
        contentType: (Array.isArray(type) ? type[0] : type) ?? 'application/json',
        body: Buffer.concat(parts),
      };
    } catch (err) {
      if (err instanceof RemoteUnavailable) throw err;
      throw new RemoteUnavailable(this.#why(err, signal));
    }
  }

  /** Calls and returns the body as text when the remote answered 2xx; else throws with its message. */
  async json(method: 'GET' | 'POST', path: string, body?: unknown): Promise<string> {
    const answer = await this.call(
      method,
      path,
      body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    );
    const text = answer.body.toString('utf8');
    if (answer.status >= 200 && answer.status < 300) return text;
    let message = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // Not JSON: the text itself says what went wrong.
    }
    throw new RemoteError(
      `OpenObserve at ${this.#base} answered ${answer.status}: ${message}`,
      answer.status,
    );
  }

  close(): Promise<void> {
    return this.#agent.close();
  }

  #why(err: unknown, signal: AbortSignal): string {
    if (signal.aborted || err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError)
      return `OpenObserve at ${this.#base} did not answer within ${this.#options.timeoutMs} ms`;
    const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED')
      return `OpenObserve at ${this.#base} refused the connection: is it running there (OPENOBSERVE_URL)?`;
    if (code === 'ENOTFOUND') return `OpenObserve's host in ${this.#base} is not known (OPENOBSERVE_URL)`;
    return `OpenObserve at ${this.#base} cannot be reached: ${err instanceof Error ? err.message : String(err)}`;
  }
}
