// The Strava service's writes: bulk upsert of a runner's imported runs (idempotent, all or
// nothing), deleting one Strava run, and deleting all of them when the runner unlinks Strava.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { badRequest } from '@runnerly/http-service';
import { bearerSecurity, errorResponses, nowText, type RouteContext } from '../../http/route-support.js';
import { toRunValues } from '../../runs/run-input.js';
import { SubParams } from '../../schemas/common.js';
import { DeletedSchema, ImportBatchSchema, ImportResultSchema, MAX_IMPORT_BATCH, type ImportBatch } from '../../schemas/run-schemas.js';
import type { ImportedRunValues } from '../../storage/run-store.js';
import { InternalScope } from '../../scopes.js';

const StravaRunParams = Type.Composite([SubParams, Type.Object({ strava_id: Type.String({ pattern: '^[0-9]{1,20}$' }) })], { additionalProperties: false });
const SourceQuery = Type.Object({ source: Type.Literal('strava', { description: 'which runs to delete: only strava (for unlinking)' }) }, { additionalProperties: false });

function identityOf(run: ImportBatch['runs'][number], index: number): { source_key: string; strava_id: string | null } {
  const prefix = `runs/${index}/`;
  if (run.source === 'strava') {
    if (!run.strava_id) throw badRequest(`${prefix}strava_id`, 'is required for a Strava run');
    if (run.external_id) throw badRequest(`${prefix}external_id`, 'is only for file runs');
    return { source_key: run.strava_id, strava_id: run.strava_id };
  }
  if (!run.external_id) throw badRequest(`${prefix}external_id`, 'is required for a file run');
  if (run.strava_id) throw badRequest(`${prefix}strava_id`, 'is only for Strava runs');
  return { source_key: run.external_id, strava_id: null };
}

export function importRunsRoutes(app: FastifyInstance, context: RouteContext): void {
  const canImport = app.requireAccess({ audience: context.config.serviceAudience, subject: 'client', scopes: [InternalScope.runsImport] });
  const { runs, profiles } = context.storage;

  app.put<{ Params: Static<typeof SubParams>; Body: ImportBatch }>(
    '/internal/users/:sub/runs',
    {
      preHandler: canImport,
      bodyLimit: context.config.importBodyLimit,
      schema: {
        tags: ['internal'],
        summary: `Creates or updates a runner's imported runs (at most ${MAX_IMPORT_BATCH} per call)`,
        description:
          'Each run is identified by (runner, source, strava_id or external_id): importing it again updates it and never duplicates it. ' +
          'One transaction per call: a run that fails validation (a 400 naming `runs/N/field`) leaves nothing written. Scope `runs:import`.',
        security: bearerSecurity,
        params: SubParams,
        body: ImportBatchSchema,
        response: { 200: Type.Ref(ImportResultSchema), ...errorResponses(400, 413) },
      },
    },
    async (request) => {
      const { sub } = request.params;
      const now = nowText(context);
      const profile = await profiles.findOrCreate(sub, now);
      const values: ImportedRunValues[] = request.body.runs.map((run, index) => ({
        ...toRunValues(run, profile.timezone, `runs/${index}/`, 'import'),
        source: run.source,
        ...identityOf(run, index),
      }));
      const outcomes = await runs.importRuns(sub, values, now);
      const count = (status: string) => outcomes.filter((outcome) => outcome.status === status).length;
      return { created: count('created'), updated: count('updated'), unchanged: count('unchanged') };
    },
  );

  app.delete<{ Params: Static<typeof StravaRunParams> }>(
    '/internal/users/:sub/runs/strava/:strava_id',
    {
      preHandler: canImport,
      schema: { tags: ['internal'], summary: 'Deletes one Strava run (deleted on Strava); scope `runs:import`', security: bearerSecurity, params: StravaRunParams, response: { 200: Type.Ref(DeletedSchema), ...errorResponses(400) } },
    },
    async (request) => ({ deleted: await runs.deleteStravaRun(request.params.sub, request.params.strava_id) }),
  );

  app.delete<{ Params: Static<typeof SubParams>; Querystring: Static<typeof SourceQuery> }>(
    '/internal/users/:sub/runs',
    {
      preHandler: canImport,
      schema: {
        tags: ['internal'],
        summary: "Deletes all of a runner's Strava runs (the runner unlinked Strava); scope `runs:import`",
        security: bearerSecurity,
        params: SubParams,
        querystring: SourceQuery,
        response: { 200: Type.Ref(DeletedSchema), ...errorResponses(400) },
      },
    },
    async (request) => ({ deleted: await runs.deleteBySource(request.params.sub, request.query.source) }),
  );
}
