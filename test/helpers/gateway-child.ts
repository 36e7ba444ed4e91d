/**
 * A gateway and its mock upstream in a child process of their own (started with --expose-gc), so a
 * test can drive load from outside and ask, over IPC, for the child's heap, RSS and open sockets after
 * a full garbage collection. `startGatewayChild` is the parent's side; run as a script, this is the child.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { deployment, startGateway, testConfig } from './gateway-server.ts';
import { type Script, startMockUpstream } from './mock-upstream.ts';

export interface ChildStats {
  heapUsed: number;
  rss: number;
  /** Connections from the gateway to the upstream still open (busy or kept alive). */
  upstreamSockets: number;
  /** Client connections to the gateway still open. */
  gatewayConnections: number;
  /** Requests the upstream received, and how many of them the gateway aborted. */
  received: number;
  aborted: number;
  /** Requests still being answered by the upstream. */
  upstreamOpen: number;
  /**
   * The gateway's own ends of its upstream connections: the child's TCP sockets less the upstream's
   * ends and the client connections. The upstream's ends may outlive the gateway's for a moment.
   */
  gatewayUpstreamSockets: number;
}

export interface GatewayChild {
  url: string;
  /** Collects garbage in the child (twice) and reports what it holds. */
  stats(): Promise<ChildStats>;
  /** Unhandled rejections and uncaught exceptions the child saw. */
  failures(): Promise<string[]>;
  close(): Promise<void>;
}

type Request = { id: number; cmd: 'stats' | 'failures' };

export async function startGatewayChild(script: Script): Promise<GatewayChild> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(script)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [{ url: string }];
  let next = 0;
  const ask = <T>(cmd: Request['cmd']) =>
    new Promise<T>((resolve) => {
      const id = ++next;
      const onMessage = (m: { id?: number; value: T }) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve(m.value);
      };
      child.on('message', onMessage);
      child.send({ id, cmd } satisfies Request);
    });
  return {
    url: ready.url,
    stats: () => ask<ChildStats>('stats'),
    failures: () => ask<string[]>('failures'),
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function runChild(script: Script): Promise<void> {
  const failures: string[] = [];
  process.on('unhandledRejection', (err) => failures.push(`unhandledRejection: ${String(err)}`));
  process.on('uncaughtException', (err) => failures.push(`uncaughtException: ${String(err)}`));
  const upstream = await startMockUpstream();
  upstream.defaultScript = script;
  upstream.keepLog = false;
  const gateway = await startGateway(
    testConfig({
      deployments: [deployment({ modelName: 'gpt-test', model: 'm', apiBase: upstream.url, apiKey: 'sk-x' })],
    }),
  );
  process.on('SIGTERM', () => {
    void gateway
      .close()
      .then(() => upstream.close())
      .then(() => process.exit(0));
  });
  process.on('message', async (m: Request) => {
    if (m.cmd === 'failures') return process.send?.({ id: m.id, value: failures });
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 2; i++) {
      gc?.();
      await new Promise((r) => setImmediate(r));
    }
    const memory = process.memoryUsage();
    const tcp = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const stats: ChildStats = {
      heapUsed: memory.heapUsed,
      rss: memory.rss,
      upstreamSockets: await upstream.openSockets(),
      gatewayConnections: await gateway.connections(),
      received: upstream.counts.received,
      aborted: upstream.counts.aborted,
      upstreamOpen: upstream.counts.open,
      gatewayUpstreamSockets: 0,
    };
    stats.gatewayUpstreamSockets = tcp - stats.upstreamSockets - stats.gatewayConnections;
    process.send?.({ id: m.id, value: stats });
  });
  process.send?.({ url: gateway.url });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runChild(JSON.parse(process.argv[2] ?? '{}'));
