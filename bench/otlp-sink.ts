// A stand-in trace backend for the bench: accepts OTLP/HTTP exports at any path and answers 200 with
// an empty ExportTraceServiceResponse, so Tollgate's tracing cost can be measured without OpenObserve.
// Run alone: `node bench/otlp-sink.ts --port 0` prints `listening <port>`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
let spans = 0;
const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    spans += bytes > 0 ? 1 : 0;
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  console.error(`otlp-sink: ${spans} export requests`);
  process.exit(0);
});
