// Refusals of account operations, each with the form field it concerns and a message fit to
// show to the user (and to print from the CLI).

export type AccountField = 'email' | 'password' | 'token';

export class AccountInputError extends Error {
  constructor(
    readonly field: AccountField,
    message: string,
  ) {
    super(message);
  }
}

/** The link is unknown, used, expired or for a disabled account: one message, whatever the reason. */
export class InvalidLink extends Error {
  constructor(readonly expired = false) {
    super(expired ? 'This link has expired. Ask for a new one.' : 'This link is not valid or has already been used.');
  }
}
