// The gateway's own endpoints under `adminPrefix`: /healthz and /metrics, never proxied.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayMetrics } from './metrics.js';
import { sendProblem } from './problem.js';

const HEALTHY = JSON.stringify({ status: 'ok' });

export function serveAdmin(req: IncomingMessage, res: ServerResponse, path: string, prefix: string, metrics: GatewayMetrics): void {
  const name = path.slice(prefix.length);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendProblem(res, 405, 'the gateway endpoints answer GET and HEAD only', ['allow', 'GET, HEAD']);
    return;
  }
  if (name === 'healthz') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(HEALTHY), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : HEALTHY);
    return;
  }
  if (name === 'metrics') {
    metrics.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => sendProblem(res, 500, 'the metrics could not be rendered'),
    );
    return;
  }
  sendProblem(res, 404, `no gateway endpoint ${path}`);
}
