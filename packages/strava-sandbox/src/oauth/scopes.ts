/** Strava's OAuth scopes; the authorize request lists them comma-separated. */
export const STRAVA_SCOPES = ['read', 'read_all', 'profile:read_all', 'profile:write', 'activity:read', 'activity:read_all', 'activity:write'] as const;
export type StravaScope = (typeof STRAVA_SCOPES)[number];

export function isStravaScope(value: string): value is StravaScope {
  return (STRAVA_SCOPES as readonly string[]).includes(value);
}

/** The requested scopes, or undefined when one is unknown. No scope at all means `read`. */
export function parseRequestedScopes(raw: string | undefined): StravaScope[] | undefined {
  const names = (raw ?? '')
    .split(/[,\s]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) return ['read'];
  if (!names.every(isStravaScope)) return undefined;
  return STRAVA_SCOPES.filter((scope) => names.includes(scope));
}

/** `read` (the public profile and activities shown to everyone) is always granted, as on Strava. */
export function withRequiredRead(scopes: readonly StravaScope[]): StravaScope[] {
  return STRAVA_SCOPES.filter((scope) => scope === 'read' || scopes.includes(scope));
}

export const canReadProfile = (scopes: readonly string[]) => scopes.some((scope) => scope === 'read' || scope === 'read_all' || scope === 'profile:read_all');
export const canReadActivities = (scopes: readonly string[]) => scopes.includes('activity:read') || scopes.includes('activity:read_all');
export const canReadPrivateActivities = (scopes: readonly string[]) => scopes.includes('activity:read_all');

export const SCOPE_DESCRIPTIONS: Record<StravaScope, string> = {
  read: 'View data about your public profile, segments, routes and events',
  read_all: 'View data about your private routes, segments and events',
  'profile:read_all': 'View your complete Strava profile',
  'profile:write': 'Update your weight and Functional Threshold Power (FTP), and star or unstar segments',
  'activity:read': 'View data about your activities visible to Everyone and Followers',
  'activity:read_all': 'View data about your private activities, including those visible only to you',
  'activity:write': 'Upload your activities from this app to Strava, and edit them',
};
