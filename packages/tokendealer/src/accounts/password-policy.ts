import { AccountInputError } from './account-errors.js';
import type { EmailAddress } from './email-address.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

/**
 * NIST SP 800-63B section 5.1.1.2: at least 8 characters, long passphrases allowed, no
 * composition rules; the length counts characters after NFKC normalisation (the form hashed).
 */
export function checkPassword(password: string, email: EmailAddress | undefined): void {
  const length = [...password.normalize('NFKC')].length;
  if (length < MIN_PASSWORD_LENGTH) throw new AccountInputError('password', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (length > MAX_PASSWORD_LENGTH) throw new AccountInputError('password', `Passwords have at most ${MAX_PASSWORD_LENGTH} characters.`);
  if (email && password.normalize('NFKC').trim().toLowerCase() === email.key) {
    throw new AccountInputError('password', 'Your password must not be your email address.');
  }
}
