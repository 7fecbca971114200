import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedRequest {
  method: string;
  url: URL;
  body: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
}

/**
 * A webhook callback on loopback, as an application would serve it: it answers Strava's
 * handshake with the challenge when the verify token matches, and records every event.
 */
export class CallbackReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** How to answer the next events; the last entry repeats. */
  eventAnswers: Answer[] = [{ status: 200 }];
  /** Overrides the handshake answer when set. */
  handshakeAnswer: ((challenge: string) => Answer) | undefined;
  private readonly server = createServer((request, response) => void this.handle(request, response));
  private eventCount = 0;
  url = '';

  constructor(private readonly verifyToken: string) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.url = `http://127.0.0.1:${address.port}/strava/webhook`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  events(): Array<Record<string, unknown>> {
    return this.requests.filter((request) => request.method === 'POST').map((request) => request.body as Record<string, unknown>);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    this.requests.push({ method: request.method ?? '', url, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
    let answer: Answer;
    if (request.method === 'GET') {
      const challenge = url.searchParams.get('hub.challenge') ?? '';
      answer =
        this.handshakeAnswer?.(challenge) ??
        (url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === this.verifyToken
          ? { status: 200, body: { 'hub.challenge': challenge } }
          : { status: 403, body: { error: 'wrong verify token' } });
    } else {
      answer = this.eventAnswers[Math.min(this.eventCount, this.eventAnswers.length - 1)]!;
      this.eventCount++;
    }
    if (answer.delayMs) await sleep(answer.delayMs);
    if (response.destroyed) return;
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body ?? {}));
  }
}
