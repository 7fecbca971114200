// The data service's month query with nothing else: a bare Fastify route, no token, no profile
// lookup, the same store, query and response schema. The limit the data service is compared with.
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { monthOfRuns, openStorage, RunListSchema, RunSchema } from '@runnerly/dataservice';

const [databaseUrl = '', sub = '', timeZone = 'UTC'] = process.argv.slice(2);
const storage = await openStorage(databaseUrl);
const app = Fastify({ logger: false });
app.addSchema(RunSchema);
app.get<{ Querystring: { year: string; month: string } }>('/month', { schema: { response: { 200: RunListSchema } } }, async (request) => {
  const profile = { id: sub, timezone: timeZone } as Parameters<typeof monthOfRuns>[1];
  return monthOfRuns(storage.runs, profile, Number(request.query.year), Number(request.query.month));
});
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`bare month server listening on http://127.0.0.1:${(app.server.address() as AddressInfo).port}\n`);

async function stop(): Promise<void> {
  await app.close();
  await storage.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
