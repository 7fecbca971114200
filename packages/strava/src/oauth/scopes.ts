// The Strava scopes Runnerly asks for, and what a callback's granted `scope` lacks.

/** Public profile, and every activity including private ones (a runner's own runs, shown only to them). */
export const REQUESTED_SCOPES = ['read', 'activity:read_all'] as const;

/** Without one of these there is nothing to import. */
const ACTIVITY_SCOPES = ['activity:read_all', 'activity:read'];

export function parseGrantedScopes(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(/[,\s]+/)
    .map((scope) => scope.trim())
    .filter(Boolean);
}

/** The scope missing for an import, or undefined when the grant is enough. */
export function missingActivityScope(granted: readonly string[]): string | undefined {
  return ACTIVITY_SCOPES.some((scope) => granted.includes(scope)) ? undefined : 'activity:read_all';
}
