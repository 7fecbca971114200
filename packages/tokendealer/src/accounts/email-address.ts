import { AccountInputError } from './account-errors.js';

export interface EmailAddress {
  /** Trimmed, with the domain in lower case; the local part keeps its case (RFC 5321 section 2.4). */
  email: string;
  /** The whole address in lower case: how accounts are looked up, so case never makes a second account. */
  key: string;
}

// RFC 5321 section 4.5.3.1: 64 octets of local part, 254 in all (as a forward path allows).
const MAX_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
// A practical subset of RFC 5322 dot-atoms (no quoted local parts, no address literals).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function normalizeEmail(raw: string): EmailAddress {
  const email = raw.trim();
  if (email === '') throw new AccountInputError('email', 'Enter your email address.');
  if (email.length > MAX_LENGTH) throw new AccountInputError('email', `Email addresses have at most ${MAX_LENGTH} characters.`);
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  const labels = domain.split('.');
  if (at < 1 || local.length > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local) || labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) {
    throw new AccountInputError('email', 'Enter an email address like name@example.com.');
  }
  const normalized = `${local}@${domain}`;
  return { email: normalized, key: normalized.toLowerCase() };
}
