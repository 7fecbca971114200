import type { UserProfile } from './user.js';

export const MAX_NAME_LENGTH = 100;
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export type ProfileErrors = Partial<Record<keyof UserProfile, string>>;

function hasControlCharacters(value: string): boolean {
  return [...value].some((char) => char.charCodeAt(0) < 0x20 || (char.charCodeAt(0) >= 0x7f && char.charCodeAt(0) < 0xa0));
}

/** A BCP 47 language tag (OpenID Connect Core section 5.1 `locale`), in its canonical form. */
function canonicalLocale(value: string): string | undefined {
  if (value.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(value)[0];
  } catch {
    return undefined;
  }
}

/** The profile as the account page's form gives it: blank fields clear a claim. */
export function validateProfile(input: { name?: string | undefined; zoneinfo?: string | undefined; locale?: string | undefined }): { profile: UserProfile } | { errors: ProfileErrors } {
  const errors: ProfileErrors = {};
  const name = input.name?.trim() || null;
  if (name !== null && (name.length > MAX_NAME_LENGTH || hasControlCharacters(name))) errors.name = `Enter a name of at most ${MAX_NAME_LENGTH} characters.`;
  const zoneinfo = input.zoneinfo?.trim() || null;
  if (zoneinfo !== null && !TIME_ZONES.has(zoneinfo)) errors.zoneinfo = 'Enter a time zone such as Europe/Paris.';
  const rawLocale = input.locale?.trim() || null;
  const locale = rawLocale === null ? null : canonicalLocale(rawLocale);
  if (locale === undefined) errors.locale = 'Enter a language tag such as en-GB.';
  if (Object.keys(errors).length > 0) return { errors };
  return { profile: { name, zoneinfo, locale: locale ?? null } };
}
