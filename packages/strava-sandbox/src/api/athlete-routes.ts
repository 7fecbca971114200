import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { invalidAccessToken, missingPermission } from '../http/faults.js';
import { canReadProfile } from '../oauth/scopes.js';
import { detailedAthlete } from './athlete-json.js';

/** `GET /athlete`: the token's athlete; needs `read` (or `read_all`, `profile:read_all`). */
export function athleteRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/athlete', async (request) => {
    const access = request.stravaAccess!;
    if (!canReadProfile(access.scopes)) throw missingPermission('read_permission');
    const athlete = context.activities.athlete(access.athleteId);
    if (!athlete) throw invalidAccessToken();
    return detailedAthlete(athlete);
  });
}
