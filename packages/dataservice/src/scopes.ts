// The scopes each route asks for. Public scopes come with user tokens for the public API's audience;
// internal scopes with client_credentials tokens for the data service's own audience.
export const PublicScope = {
  profile: 'profile',
  runsRead: 'runs:read',
  runsWrite: 'runs:write',
  racesRead: 'races:read',
  racesWrite: 'races:write',
} as const;

export const InternalScope = {
  /** The Strava service writing (and unlinking) a runner's imported runs. */
  runsImport: 'runs:import',
  /** Reports (and plans) reading any runner's runs, totals and profile. */
  runsReadAll: 'runs:read:all',
  /** The dashboard's backend keeping the runner's e-mail address from the sign-in's ID token. */
  usersEmail: 'users:email',
} as const;
