// What a failure limit counts for. A key is its kind, whom the failures name (its subject) and the
// client address, encoded so that it decodes one way only: no input can make one key equal
// another (an "email" holding a separator and an address must not name somebody else's count at
// that address), and the kind, which fixes the key's limit, is part of what is counted, shared and
// hashed. Plain concatenation, not JSON: every client authentication builds two keys.

/** Every kind of key; each limiter gives each of its kinds one limit (see FailureLimiter). */
export const THROTTLE_KINDS = [
  'client-auth:client-address',
  'client-auth:address',
  'sign-in:account-address',
  'sign-in:account',
  'sign-in:address',
  'mail:sign-up-email',
  'mail:reset-email',
  'mail:address',
] as const;

export type ThrottleKind = (typeof THROTTLE_KINDS)[number];

export interface ThrottleKey {
  readonly kind: ThrottleKind;
  /** Whom the failures name (one of throttleSubject's), or null for a count per address only. */
  readonly subject: string | null;
  /** The address group (see addressGroup), or null for a count over all addresses. */
  readonly address: string | null;
  /** The key in memory, and what the database stores (hashed): see throttleKey. */
  readonly id: string;
}

/**
 * `kind|LENGTH:subject|:address`, with an empty field for a null subject or address. The kinds
 * hold no `|`, the subject's length says where it ends whatever it holds, and the address is the
 * rest: two different keys never have the same id.
 */
export function throttleKey(kind: ThrottleKind, subject: string | null, address: string | null): ThrottleKey {
  const id = `${kind}|${subject === null ? '' : `${subject.length}:${subject}`}|${address === null ? '' : `:${address}`}`;
  return { kind, subject, address, id };
}

/**
 * Subjects, `tag:value`, tagged with what they are (no tag holds a `:`): sign-in input that is no
 * email never names the count of an email (nor of a confirmation link), however it is spelled.
 * The CLI builds the same ones to clear a lockout (`tokendealer throttle clear`).
 */
export const throttleSubject = {
  /** An account by its email key (normalizeEmail), known or not. */
  email: (emailKey: string): string => `email:${emailKey}`,
  /** Sign-in input that is no email address: counted all the same, so that it costs a guesser as much. */
  unparsedEmail: (input: string): string => `unparsed-email:${input}`,
  /** A confirmation link, by the hash of its token. */
  confirmationLink: (tokenHash: string): string => `confirmation-link:${tokenHash}`,
  /** A registered client. */
  client: (clientId: string): string => `client:${clientId}`,
};
