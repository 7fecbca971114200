// The upstream behind both proxies of the proxy bench: node:http answering every request with the
// same small JSON body, in its own process so the proxies are measured without it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const UPSTREAM_BODY = JSON.stringify({ id: 'run-42', status: 'finished', distanceKm: 10.2, durationS: 3120 });
const payload = Buffer.from(UPSTREAM_BODY);

const server = createServer((request, response) => {
  // Drain any request body so the connection can be reused.
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
  response.end(payload);
});
// Longer than the proxies' upstream keep-alive (nginx 60 s): the upstream never closes a pooled connection first.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`JSON upstream listening on http://127.0.0.1:${port}\n`);
});

function stop(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
