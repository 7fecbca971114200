// A real SMTP server on 127.0.0.1 (the smtp-server library) that keeps what it receives, and
// that refuses messages with a temporary error while told to, as a mail server that is down would.
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  /** The text/plain part, decoded. */
  text: string;
}

function header(head: string, name: string): string | undefined {
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded)?.[1]?.trim();
}

function decode(body: string, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'quoted-printable': {
      const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    case 'base64':
      return Buffer.from(body, 'base64').toString('utf8');
    default:
      return body;
  }
}

/** The first text/plain part of a MIME entity (nodemailer sends text and HTML as multipart/alternative). */
function plainText(entity: string): string | undefined {
  const split = entity.indexOf('\r\n\r\n');
  const head = split < 0 ? entity : entity.slice(0, split);
  const body = split < 0 ? '' : entity.slice(split + 4);
  const type = header(head, 'content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return /^text\/plain/i.test(type) ? decode(body, header(head, 'content-transfer-encoding')) : undefined;
  for (const part of body.split(`--${boundary}`).slice(1)) {
    const text = plainText(part.replace(/^\r\n/, ''));
    if (text !== undefined) return text;
  }
  return undefined;
}

export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  /** Messages refused so far. */
  refused = 0;
  /** While set, every message gets "451 try again later". */
  refusing = false;
  /** Recipients refused for good ("550 no such user"). */
  readonly unknownRecipients = new Set<string>();
  /** How long the server takes over each message before answering. */
  delayMs = 0;
  /** Messages whose data the server is reading or holding. */
  inFlight = 0;

  private readonly server = new SMTPServer({
    // Plain SMTP without authentication, as a relay on a private network would take it.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    closeTimeout: 1000,
    onRcptTo: (address, _session, callback) => {
      if (!this.unknownRecipients.has(address.address)) return callback();
      this.refused++;
      callback(Object.assign(new Error('no such user here'), { responseCode: 550 }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      this.inFlight++;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((address) => address.address);
        this.answer(to, Buffer.concat(chunks).toString('utf8')).then(() => callback(), (error: Error) => callback(error));
      });
    },
  });
  private port = 0;

  private constructor() {}

  static async start(): Promise<SmtpTestServer> {
    const started = new SmtpTestServer();
    await new Promise<void>((resolve, reject) => {
      started.server.once('error', reject);
      started.server.listen(0, '127.0.0.1', () => resolve());
    });
    started.port = (started.server.server.address() as AddressInfo).port;
    return started;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private async answer(to: string[], raw: string): Promise<void> {
    try {
      if (this.delayMs > 0) await sleep(this.delayMs);
      if (this.refusing) {
        this.refused++;
        throw Object.assign(new Error('mail system busy, try again later'), { responseCode: 451 });
      }
      const split = raw.indexOf('\r\n\r\n');
      this.received.push({ to, subject: header(raw.slice(0, split), 'subject') ?? '', text: plainText(raw) ?? '' });
    } finally {
      this.inFlight--;
    }
  }

  /** Forgets what came before a test. */
  reset(): void {
    this.received.length = 0;
    this.refused = 0;
    this.refusing = false;
    this.unknownRecipients.clear();
    this.delayMs = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
