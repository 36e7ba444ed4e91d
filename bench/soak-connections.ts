// Soak run for idle-connection floods (issue 14, item 7): one client address opens many idle
// connections to a running Tollgate and holds them; meanwhile another address and a held connection
// each make a request. Run two at once from different loopback addresses to repeat the attack:
//   node src/cli/main.ts --port 4795 & GW=$!
//   HOLD_MS=15000 node bench/soak-connections.ts http://127.0.0.1:4795 10500 127.0.0.4 &
//   HOLD_MS=15000 node bench/soak-connections.ts http://127.0.0.1:4795 10500 127.0.0.5 &
//   sleep 16; ls /proc/$GW/fd | wc -l; wait; kill $GW
// Binding source addresses leaves sockets in TIME_WAIT: wait a minute between runs.
import net from 'node:net';

const [url = 'http://127.0.0.1:4000', count = '10500', from = '127.0.0.1'] = process.argv.slice(2);
const port = Number(new URL(url).port);
const state = { connected: 0, closedByGateway: 0, errors: 0, lastError: '' };
const sockets: net.Socket[] = [];

for (let i = 0; i < Number(count); i++) {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
  sockets.push(socket);
  socket.on('connect', () => state.connected++);
  socket.on('error', (err: NodeJS.ErrnoException) => {
    state.errors++;
    state.lastError = err.code ?? err.message;
  });
  socket.on('end', () => state.closedByGateway++);
  // Paced, so the run measures the gateway's caps rather than this process's connect burst.
  if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 10));
}
await new Promise((resolve) => setTimeout(resolve, 5000));

/** One health request, on a new connection from `source` or on a held one; its status and time. */
function ask(source: string | undefined, held?: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = held ?? net.connect({ host: '127.0.0.1', port, localAddress: source });
    socket.once('data', (data) => {
      resolve(`${data.toString().slice(9, 12)} in ${Math.round(performance.now() - started)} ms`);
      if (!held) socket.destroy();
    });
    socket.once('close', () => resolve('closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.write('GET /health/liveliness HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
}

const held = sockets.find((s) => !s.destroyed && s.readyState === 'open');
console.log({
  ...state,
  otherClient: await ask('127.0.0.2'),
  onHeldConnection: held ? await ask(undefined, held) : 'none',
});
if (process.env.HOLD_MS) await new Promise((resolve) => setTimeout(resolve, Number(process.env.HOLD_MS)));
for (const socket of sockets) socket.destroy();
