export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The links the message carries, so that a developer (or a test) can follow them from the outbox. */
  links: string[];
  /** When its link stops working (epoch milliseconds). */
  expiresAt?: number;
}

/** Sends a message, or throws; where it goes (SMTP, the outbox folder) is the implementation's business. */
export interface Mailer {
  readonly description: string;
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

/** The server refused the recipient for good (a 5xx answer to the envelope): trying again will not help. */
export function isPermanentFailure(error: unknown): boolean {
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  return code === 'EENVELOPE' && typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
}
