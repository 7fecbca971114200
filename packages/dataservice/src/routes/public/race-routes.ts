// Races every runner sees: listed soonest first, each with how many runners entered and whether
// the caller did. Only a race's creator may change or delete it: others get 403 (the race itself is
// public, so refusing says nothing new); nobody learns who created or entered a race.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { badRequest, notFound, ProblemError } from '@runnerly/http-service';
import { decodeDateCursor, encodeCursor } from '../../domain/page-cursor.js';
import { formatDate, localDate, parseCalendarDate } from '../../domain/time-zone.js';
import { bearerSecurity, errorResponses, nowText, tokenRunner, type RouteContext } from '../../http/route-support.js';
import { NewRaceSchema, RaceChangesSchema, RaceListSchema, RaceParams, RaceSchema, RacesQuery, type NewRace, type RaceChanges } from '../../schemas/race-schemas.js';
import { PublicScope } from '../../scopes.js';
import { DEFAULT_PAGE_SIZE } from '../../runs/run-queries.js';

type RaceParams = Static<typeof RaceParams>;

function checkDate(text: string, field: string): string {
  if (!parseCalendarDate(text)) throw badRequest(field, 'is not a real calendar day');
  return text;
}

function checkUrl(text: string | null | undefined): void {
  if (text === null || text === undefined) return;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRequest('url', 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('url', 'must be an http or https URL');
  if (url.username || url.password) throw badRequest('url', 'must not carry credentials');
}

export function raceRoutes(app: FastifyInstance, context: RouteContext): void {
  const { publicAudience } = context.config;
  const canRead = app.requireAccess({ audience: publicAudience, subject: 'user', scopes: [PublicScope.racesRead] });
  const canWrite = app.requireAccess({ audience: publicAudience, subject: 'user', scopes: [PublicScope.racesWrite] });
  const { races } = context.storage;

  /** The caller, when they created the race; 404 when there is no race, 403 when it is someone else's. */
  async function asCreator(request: FastifyRequest, id: string): Promise<string> {
    const runner = await tokenRunner(context, request);
    const creator = await races.creatorOf(id);
    if (creator === undefined) throw notFound('no such race');
    if (creator !== runner.id) throw new ProblemError(403, 'Forbidden', 'only the runner who created a race may change or delete it', { type: 'urn:runnerly:problem:not-race-creator' });
    return runner.id;
  }

  app.get<{ Querystring: RacesQuery }>(
    '/api/data/races',
    {
      preHandler: canRead,
      schema: {
        tags: ['races'],
        summary: 'Races on or after a day, soonest first',
        description: "`from` defaults to today on the runner's calendar; `limit` 1 to 200 (default 50); `next_cursor` continues.",
        security: bearerSecurity,
        querystring: RacesQuery,
        response: { 200: Type.Ref(RaceListSchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const runner = await tokenRunner(context, request);
      const from = request.query.from === undefined ? formatDate(localDate(Math.floor(context.clock() / 1000), runner.timezone)) : checkDate(request.query.from, 'from');
      const after = request.query.cursor === undefined ? undefined : decodeDateCursor(request.query.cursor);
      const page = await races.listUpcoming(runner.id, from, request.query.limit ?? DEFAULT_PAGE_SIZE, after);
      return { races: page.races, next_cursor: page.next ? encodeCursor([page.next.date, page.next.id]) : null };
    },
  );

  app.post<{ Body: NewRace }>(
    '/api/data/races',
    {
      preHandler: canWrite,
      schema: { tags: ['races'], summary: 'Adds a race', security: bearerSecurity, body: NewRaceSchema, response: { 201: Type.Ref(RaceSchema), ...errorResponses(400) } },
    },
    async (request, reply) => {
      const runner = await tokenRunner(context, request);
      checkDate(request.body.date, 'date');
      checkUrl(request.body.url);
      const race = await races.create(runner.id, { ...request.body, location: request.body.location ?? null, url: request.body.url ?? null }, nowText(context));
      return reply.code(201).header('location', `/api/data/races/${race.id}`).send(race);
    },
  );

  app.get<{ Params: RaceParams }>(
    '/api/data/races/:id',
    { preHandler: canRead, schema: { tags: ['races'], summary: 'One race', security: bearerSecurity, params: RaceParams, response: { 200: Type.Ref(RaceSchema), ...errorResponses(400, 404) } } },
    async (request) => {
      const runner = await tokenRunner(context, request);
      const race = await races.find(runner.id, request.params.id);
      if (!race) throw notFound('no such race');
      return race;
    },
  );

  app.patch<{ Params: RaceParams; Body: RaceChanges }>(
    '/api/data/races/:id',
    {
      preHandler: canWrite,
      schema: {
        tags: ['races'],
        summary: 'Changes a race (its creator only: others get 403)',
        security: bearerSecurity,
        params: RaceParams,
        body: RaceChangesSchema,
        response: { 200: Type.Ref(RaceSchema), ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      if (request.body.date !== undefined) checkDate(request.body.date, 'date');
      checkUrl(request.body.url);
      const creator = await asCreator(request, request.params.id);
      const race = await races.update(creator, request.params.id, request.body, nowText(context));
      if (!race) throw notFound('no such race');
      return race;
    },
  );

  app.delete<{ Params: RaceParams }>(
    '/api/data/races/:id',
    {
      preHandler: canWrite,
      schema: { tags: ['races'], summary: 'Deletes a race and its entries (its creator only: others get 403)', security: bearerSecurity, params: RaceParams, response: { 204: Type.Null(), ...errorResponses(400, 403, 404) } },
    },
    async (request, reply) => {
      await asCreator(request, request.params.id);
      if (!(await races.delete(request.params.id))) throw notFound('no such race');
      return reply.code(204).send();
    },
  );

  app.put<{ Params: RaceParams }>(
    '/api/data/races/:id/entry',
    {
      preHandler: canWrite,
      schema: { tags: ['races'], summary: '"I\'m running it": marks the race for the caller (idempotent)', security: bearerSecurity, params: RaceParams, response: { 200: Type.Ref(RaceSchema), ...errorResponses(400, 404) } },
    },
    async (request) => {
      const runner = await tokenRunner(context, request);
      if (!(await races.enter(request.params.id, runner.id, nowText(context)))) throw notFound('no such race');
      const race = await races.find(runner.id, request.params.id);
      if (!race) throw notFound('no such race');
      return race;
    },
  );

  app.delete<{ Params: RaceParams }>(
    '/api/data/races/:id/entry',
    {
      preHandler: canWrite,
      schema: { tags: ['races'], summary: 'Unmarks the race for the caller (idempotent)', security: bearerSecurity, params: RaceParams, response: { 200: Type.Ref(RaceSchema), ...errorResponses(400, 404) } },
    },
    async (request) => {
      const runner = await tokenRunner(context, request);
      await races.leave(request.params.id, runner.id);
      const race = await races.find(runner.id, request.params.id);
      if (!race) throw notFound('no such race');
      return race;
    },
  );
}
