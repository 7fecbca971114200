export type UserStatus = 'pending' | 'active' | 'disabled';

export interface UserRecord {
  userId: string;
  /** As the user typed it, normalised (see email-address.ts). */
  email: string;
  /** The lookup key: the email folded to lower case. */
  emailKey: string;
  passwordHash: string;
  /** pending until the emailed confirmation link is followed. */
  status: UserStatus;
  createdAt: number;
  confirmedAt: number | null;
  updatedAt: number;
  /** What the account page lets the user set (OpenID Connect profile claims); null when not set. */
  profile: UserProfile;
}

export interface UserProfile {
  /** Display name. */
  name: string | null;
  /** IANA time zone, such as Europe/Paris. */
  zoneinfo: string | null;
  /** BCP 47 language tag, such as fr-FR. */
  locale: string | null;
}

export const EMPTY_PROFILE: UserProfile = { name: null, zoneinfo: null, locale: null };

/** What the CLI and the pages show of a user: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  status: UserStatus;
  created_at: number;
  confirmed_at: number | null;
}

export function viewUser(user: UserRecord): UserView {
  return { id: user.userId, email: user.email, status: user.status, created_at: user.createdAt, confirmed_at: user.confirmedAt };
}
