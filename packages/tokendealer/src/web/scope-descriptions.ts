// What each of Runnerly's scopes lets an app do, in words a user can judge on the consent and
// account pages. Unknown scopes still show, as "Use <scope>".
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Know that it is you (sign you in)',
  profile: 'See your name, time zone, language and profile',
  email: 'See your email address',
  'runs:read': 'See your runs',
  'runs:write': 'Add and change your runs',
  'races:read': 'See the races you signed up for',
  'races:write': 'Sign you up for races and change your entries',
  'plans:read': 'See your training plans',
  'plans:write': 'Create and change your training plans',
  'reports:read': 'See your training reports',
  'strava:import': 'Import your activities from Strava',
};

export function describeScope(scope: string): string {
  return Object.hasOwn(DESCRIPTIONS, scope) ? DESCRIPTIONS[scope]! : `Use ${scope}`;
}
