// A stand-in for the data service's internal import API (until the real one lands on main): a real
// HTTP server that verifies each token with @runnerly/guard (audience runnerly-data, a service
// token with runs:import), keeps runs keyed by (sub, source, strava_id) with the real upsert
// counts, and can be told to fail the next calls.
import Fastify, { type FastifyInstance } from 'fastify';
import { guardPlugin } from '@runnerly/guard/fastify';
import { createVerifier } from '@runnerly/guard';
import type { ImportedRun } from '../../src/index.js';

export interface RecordingDataService {
  url: string;
  /** The runs of a runner, by strava_id. */
  runs(sub: string): Map<string, ImportedRun>;
  /** Every PUT, in order: how many runs each carried. */
  putSizes: number[];
  /** The next `count` calls answer 500 without doing anything. */
  failNext(count: number): void;
  /** Each call waits this long before answering (to catch an import mid-way). */
  delayMs: number;
  close(): Promise<void>;
}

export async function startRecordingDataService(issuer: string): Promise<RecordingDataService> {
  const store = new Map<string, Map<string, ImportedRun>>();
  const runsOf = (sub: string) => {
    let runs = store.get(sub);
    if (!runs) store.set(sub, (runs = new Map()));
    return runs;
  };
  const putSizes: number[] = [];
  let failures = 0;
  const app: FastifyInstance = Fastify({ bodyLimit: 10 * 1024 * 1024 });
  await app.register(guardPlugin, { verifier: createVerifier({ issuer, audience: 'runnerly-data' }) });
  const guard = app.requireAccess({ audience: 'runnerly-data', subject: 'client', scopes: ['runs:import'] });
  const state = { delayMs: 0 };
  app.addHook('preHandler', async (_request, reply) => {
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    if (failures > 0) {
      failures -= 1;
      return reply.code(500).send({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    }
  });

  app.put<{ Params: { sub: string }; Body: { runs: ImportedRun[] } }>('/internal/users/:sub/runs', { preHandler: guard }, async (request, reply) => {
    const incoming = request.body.runs;
    if (!Array.isArray(incoming) || incoming.length > 500) return reply.code(400).send({ title: 'Invalid request', field: 'runs' });
    putSizes.push(incoming.length);
    const runs = runsOf(request.params.sub);
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const run of incoming) {
      if (run.source !== 'strava' || typeof run.strava_id !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(run.start_date)) {
        return reply.code(400).send({ title: 'Invalid request', field: 'runs' });
      }
    }
    for (const run of incoming) {
      const existing = runs.get(run.strava_id);
      if (!existing) counts.created += 1;
      else if (JSON.stringify(existing) === JSON.stringify(run)) counts.unchanged += 1;
      else counts.updated += 1;
      runs.set(run.strava_id, run);
    }
    return counts;
  });
  app.delete<{ Params: { sub: string; id: string } }>('/internal/users/:sub/runs/strava/:id', { preHandler: guard }, async (request) => ({
    deleted: runsOf(request.params.sub).delete(request.params.id) ? 1 : 0,
  }));
  app.delete<{ Params: { sub: string }; Querystring: { source?: string } }>('/internal/users/:sub/runs', { preHandler: guard }, async (request, reply) => {
    if (request.query.source !== 'strava') return reply.code(400).send({ title: 'Invalid request', field: 'source' });
    const deleted = runsOf(request.params.sub).size;
    store.delete(request.params.sub);
    return { deleted };
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return {
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    url: `http://127.0.0.1:${address.port}`,
    runs: runsOf,
    putSizes,
    failNext: (count) => (failures = count),
    close: () => app.close(),
  };
}
