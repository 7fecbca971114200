// Strava writes zones as "(GMT+01:00) Europe/Paris"; the data service wants the IANA name.

const supportedZones = new Set(Intl.supportedValuesOf('timeZone'));

/** The IANA zone named in Strava's timezone field, or null when there is none Node knows. */
export function ianaTimeZone(stravaZone: string | null | undefined): string | null {
  if (!stravaZone) return null;
  const name = stravaZone.replace(/^\([^)]*\)\s*/, '').trim();
  if (name === '' || name.length > 64) return null;
  if (supportedZones.has(name)) return name;
  try {
    // Aliases (e.g. "Etc/UTC", "US/Pacific") are valid zones even when not in the canonical list.
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
