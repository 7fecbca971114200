// Requests Node's HTTP parser refuses before the gateway sees them (request smuggling shapes among
// them): answered with a problem document and logged with the firewall rule id they correspond to.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { hasRequestInProgress } from './connection-turns.js';

interface ParserRefusal {
  readonly status: number;
  readonly ruleId: number;
  readonly message: string;
}

// llhttp errors (node's `clientError` event) -> the OWASP CRS style ids of src/waf/protocol-checks.ts.
// llhttp reports Content-Length together with Transfer-Encoding as an invalid Transfer-Encoding,
// so the reason text tells the two apart.
function parserRefusal(code: string | undefined, reason: string): ParserRefusal {
  switch (code) {
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return reason.includes('Content-Length')
        ? { status: 400, ruleId: 920181, message: 'Both Content-Length and Transfer-Encoding (request smuggling)' }
        : { status: 400, ruleId: 920182, message: 'Transfer-Encoding other than chunked' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, ruleId: 920161, message: 'Duplicate or conflicting Content-Length' };
    case 'HPE_INVALID_CONTENT_LENGTH':
      return { status: 400, ruleId: 920160, message: 'Content-Length is not a number' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, ruleId: 920391, message: 'Header section too large' };
    default:
      return { status: 400, ruleId: 920100, message: 'Malformed request' };
  }
}

export function handleClientError(error: Error & { code?: string; reason?: string }, socket: Duplex, logger: Logger): void {
  // A connection reset or timeout is nothing to answer.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (error.code === 'HPE_CLOSED_CONNECTION') {
    // Bytes after a request that said `Connection: close`: ignored (RFC 9112 section 9.6). The answer in
    // progress, if any, still goes out, and Node closes the connection after it.
    if (!hasRequestInProgress(socket as Socket)) socket.destroy();
    return;
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const refusal = parserRefusal(error.code, error.reason ?? error.message);
  logger.warn({ event: 'refused', status: refusal.status, rule: refusal.ruleId, parserError: error.code, client: (socket as Partial<Socket>).remoteAddress }, refusal.message);
  const reason = refusal.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  const body = JSON.stringify({ type: 'about:blank', title: reason, status: refusal.status, detail: refusal.message });
  socket.end(
    `HTTP/1.1 ${refusal.status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
