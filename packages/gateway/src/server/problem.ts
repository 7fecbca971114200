// Error answers of the gateway itself as RFC 9457 problem details (application/problem+json).
import type { ServerResponse } from 'node:http';
import { markClosesConnection } from './connection-turns.js';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Answers with a problem document. `headers` is a flat [name, value, ...] list added to the answer;
 * `close` closes the connection after the answer (used when an unread request body remains); requests
 * pipelined behind it are dropped unprocessed.
 * When the response has already started, the only honest signal left is to cut the connection.
 */
export function sendProblem(res: ServerResponse, status: number, detail: string, headers?: readonly string[], close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (res.writableEnded || res.destroyed) return;
  const body = JSON.stringify({ type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail });
  const head: string[] = ['content-type', 'application/problem+json', 'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-store'];
  if (headers !== undefined) for (const entry of headers) head.push(entry);
  if (close) {
    head.push('connection', 'close');
    // Requests pipelined behind this one are never processed (RFC 9112 section 9.6).
    markClosesConnection(res);
  }
  res.writeHead(status, head);
  res.end(body);
}
