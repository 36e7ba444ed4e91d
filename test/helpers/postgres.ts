/**
 * A real PostgreSQL for the tests of the accounts database, the way redis-server.ts gives them Redis.
 * With `TOLLGATE_TEST_DATABASE_URL` set (a CI service, a developer's server), databases are created
 * there; otherwise ONE private cluster per test process (node --test runs each file in its own) is
 * initialised in a temp dir on first use — about a second — and thrown away when the process exits.
 * Each `freshDatabase()` is a new empty database in it, so tests never see each other's rows.
 *
 * `.ci/run` installs Debian's `postgresql`; elsewhere the tests that need it are skipped when no
 * PostgreSQL binaries are found, except in CI (CI=true), where a missing server must fail the run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

const EXTERNAL_URL = process.env.TOLLGATE_TEST_DATABASE_URL || undefined;

/** A directory holding initdb, pg_ctl and postgres: PATH, /usr/local/bin, then Debian's versioned dirs. */
function findBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(debian, v, 'bin'))
    : [];
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/local/bin',
    ...versions,
    '/usr/local/pgsql/bin',
  ];
  return dirs.find(
    (dir) => dir !== '' && ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b))),
  );
}

const BIN_DIR = EXTERNAL_URL === undefined ? findBinDir() : undefined;

/** Why the PostgreSQL tests cannot run here, or undefined when they can (in CI they always must). */
export const postgresMissing: string | undefined =
  EXTERNAL_URL === undefined && BIN_DIR === undefined && process.env.CI !== 'true'
    ? 'PostgreSQL is not installed (apt-get install postgresql) and TOLLGATE_TEST_DATABASE_URL is not set'
    : undefined;

/**
 * initdb, pg_ctl and postgres refuse to run as root. As root (containers, CI images) the cluster is
 * owned and run by an ordinary account: Debian's `postgres` user when the package made one, else nobody.
 */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'));
  const user = users.find((u) => u[0] === 'postgres') ?? users.find((u) => u[0] === 'nobody');
  if (user === undefined)
    throw new Error('running as root, and there is no postgres or nobody user to run PostgreSQL');
  return { uid: Number(user[2]), gid: Number(user[3]) };
}

interface Cluster {
  /** The maintenance database's URL: CREATE DATABASE runs there. */
  adminUrl: string;
}

let cluster: Promise<Cluster> | undefined;

function getCluster(): Promise<Cluster> {
  if (EXTERNAL_URL !== undefined) return Promise.resolve({ adminUrl: EXTERNAL_URL });
  cluster ??= startCluster();
  return cluster;
}

/** A URL of a new, empty database, on the shared server or this process's private cluster. */
export async function freshDatabase(): Promise<string> {
  const { adminUrl } = await getCluster();
  const name = `tg_test_${Math.random().toString(36).slice(2, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // template0: template1 may hold whatever a shared server's owner put there.
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startCluster(): Promise<Cluster> {
  if (BIN_DIR === undefined)
    throw new Error('PostgreSQL is not installed: no initdb, pg_ctl and postgres found');
  const bin = BIN_DIR;
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-pg-'));
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const as = owner ?? {};
  let child: ChildProcess | undefined;

  // Registered before anything starts, so a failure half-way still leaves nothing behind.
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  let removed = false;
  const remove = () => {
    // maxRetries: the server's last children may still be letting go of files; and an exit handler
    // that throws would hide the test's own outcome.
    if (!removed)
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      } catch {}
    removed = true;
  };
  // The usual end: the event loop is empty, so the server can be stopped and waited for (reaped, not
  // left a zombie for an init that may never reap it).
  process.once('beforeExit', async () => {
    if (running() && child !== undefined) {
      const exited = once(child, 'exit');
      child.kill('SIGQUIT');
      await exited;
    }
    remove();
  });
  // process.exit() or a failure: only synchronous work is possible now.
  const stopNow = () => {
    if (running())
      spawnSync(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '10'], {
        ...as,
        stdio: 'ignore',
      });
    remove();
  };
  process.once('exit', stopNow);
  // A signal's default action skips 'exit' handlers: stop the server, then die of the same signal. The
  // handler stays until then, since a second signal (the test runner's after a terminal's) would
  // otherwise kill this process half-way.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stopNow();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const init = spawnSync(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
      '--no-instructions',
    ],
    { ...as, encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stderr}${init.stdout}`);

  const log = join(dir, 'postgres.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // The log goes to a file, not a pipe: the server must not keep this process alive, nor die of
    // SIGPIPE when it exits.
    const fd = openSync(log, 'a');
    if (owner !== undefined) chownSync(log, owner.uid, owner.gid);
    const settings = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: dir,
      // Throwaway data: durability costs time and buys nothing here.
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      shared_buffers: '16MB',
      autovacuum: 'off',
      max_connections: '100',
    };
    const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    child = spawn(join(bin, 'postgres'), args, { ...as, stdio: ['ignore', fd, fd], detached: false });
    closeSync(fd);
    child.unref();
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const up = await waitReady(adminUrl, child);
    if (up) return { adminUrl };
    const output = readFileSync(log, 'utf8');
    // Another process may have taken the free port between the probe and the bind: try another.
    if (attempt < 3 && /could not bind|Address already in use/.test(output)) continue;
    throw new Error(`postgres did not start:\n${output}`);
  }
}

/** True once the server accepts a connection; false if it exits first or takes over 20 s. */
async function waitReady(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGQUIT');
        return false;
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return typeof address === 'object' && address !== null ? address.port : 0;
}
