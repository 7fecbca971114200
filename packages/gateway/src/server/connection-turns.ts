// Pipelined requests are taken one at a time per connection, as nginx does. Node's server parses a
// connection's pipelined requests as they arrive and hands each over at once (only the answers wait
// their turn), so a request behind one answered with `Connection: close` would still be checked and
// forwarded, though RFC 9112 section 9.6 says a server that sends close must process nothing more
// from that connection (a refused `Transfer-Encoding: identity, chunked` POST followed by a GET is
// how a smuggled request would get through). Here a request starts only once the answer before it
// has ended; when that answer closed the connection, or the connection is gone, the requests still
// waiting are dropped unprocessed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Requests waiting behind the current one beyond which the connection is cut (a client flooding it). */
export const MAX_WAITING_REQUESTS = 64;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Turns {
  /** The answer being worked on, undefined when the connection is idle. */
  current: ServerResponse | undefined;
  /** Set once an answer said `Connection: close` (or the client asked for it): nothing more is processed. */
  closing: boolean;
  readonly waiting: [IncomingMessage, ServerResponse][];
  readonly handle: Handler;
  readonly socket: Socket;
}

const TURNS = Symbol('runnerly.connection-turns');
const CLOSES = Symbol('runnerly.closes-connection');
type SocketWithTurns = Socket & { [TURNS]?: Turns };
type MarkedResponse = ServerResponse & { [CLOSES]?: true; [TURNS]?: Turns };

/**
 * Marks an answer that carries `Connection: close`: the requests pipelined behind it on its
 * connection are never processed. Node's own `shouldKeepAlive` does not see a close header.
 */
export function markClosesConnection(res: ServerResponse): void {
  (res as MarkedResponse)[CLOSES] = true;
}

/**
 * Runs `handle` for `req` now, or once the answers before it on its connection have ended. Returns
 * false when the request was dropped (the connection is closing, or too many requests wait).
 */
export function takeTurn(req: IncomingMessage, res: ServerResponse, handle: Handler): boolean {
  const socket = req.socket as SocketWithTurns;
  let turns = socket[TURNS];
  if (turns === undefined) {
    turns = { current: undefined, closing: false, waiting: [], handle, socket };
    socket[TURNS] = turns;
  }
  if (turns.closing || socket.destroyed) return false;
  if (turns.current !== undefined) {
    if (turns.waiting.length >= MAX_WAITING_REQUESTS) {
      turns.closing = true;
      turns.waiting.length = 0;
      socket.destroy();
      return false;
    }
    turns.waiting.push([req, res]);
    return true;
  }
  start(turns, req, res);
  return true;
}

function start(turns: Turns, req: IncomingMessage, res: ServerResponse): void {
  turns.current = res;
  // Node may have detached the socket from the request by the time the answer closes.
  (res as MarkedResponse)[TURNS] = turns;
  res.once('close', answerEnded);
  turns.handle(req, res);
}

// Shared listener (`this` is the answer), so no closure is created per request.
function answerEnded(this: MarkedResponse): void {
  const turns = this[TURNS];
  if (turns === undefined || turns.current !== this) return;
  this[TURNS] = undefined;
  const socket = turns.socket;
  turns.current = undefined;
  if (this[CLOSES] === true || !this.shouldKeepAlive) turns.closing = true;
  if (turns.closing || socket.destroyed) {
    turns.closing = true;
    turns.waiting.length = 0;
    return;
  }
  const next = turns.waiting.shift();
  if (next !== undefined) start(turns, next[0], next[1]);
}

/** Whether `socket` has a request in progress (false once idle or closing). */
export function hasRequestInProgress(socket: Socket): boolean {
  return (socket as SocketWithTurns)[TURNS]?.current !== undefined;
}
