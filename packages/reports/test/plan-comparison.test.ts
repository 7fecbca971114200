// The monthly build against the real data service and the real plans service on loopback: each
// month compared with the runner's plan, stored, served and mailed; no report while the plan
// cannot be read.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { resolveOptions } from '@runnerly/service-config';
import { resolveDataServiceConfig, startDataService } from '@runnerly/dataservice';
import { findTemplate, generatePlan, PlanStore, PLANS_OPTIONS, startPlans, type RunningPlans } from '@runnerly/plans';
import { freePort, readOutbox, startTestTokenDealer, TEST_BACKENDS } from '@runnerly/test-support';
import { startReports } from '../src/index.js';
import { ReportStore } from '../src/storage/report-store.js';
import type { MonthlyReport } from '../src/report/build-report.js';
import { PUBLIC_API, reportsTestConfig } from './helpers/reports-config.js';

const silent = pino({ level: 'silent' });

for (const backend of TEST_BACKENDS) {
  describe(`${backend.name}: the monthly build compares the month with the runner's training plan`, () => {
    it('waits while the plan cannot be read, then stores, serves and mails the comparison', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'reports-plan-'));
      const tokenDealer = await startTestTokenDealer();
      const [dataDb, plansDb, reportsDb] = [await backend.create(), await backend.create(), await backend.create()];
      const stops: (() => Promise<unknown>)[] = [];
      try {
        const data = await startDataService(resolveDataServiceConfig({ DATASERVICE_PORT: '0', DATASERVICE_DB: dataDb.url, TOKENDEALER_ISSUER: tokenDealer.issuer, PUBLIC_API_AUDIENCE: PUBLIC_API }), silent);
        stops.push(() => data.close());
        const emails = await tokenDealer.createServiceClient({ scopes: ['users:email'], audiences: ['runnerly-data'] });
        const [planned, unplanned] = ['runner-with-plan', 'runner-without-plan'];

        // The plan: a half marathon on 2027-01-17, chosen on 2026-10-05.
        const plan = generatePlan(findTemplate('half-beginner')!, '2027-01-17', '2026-10-05', 20_000);
        const november = plan.weeks.flatMap((week) => week.sessions).filter((session) => session.date.startsWith('2026-11-'));
        const sessions = november.filter((session) => session.kind !== 'rest');
        const restDay = november.find((session) => session.kind === 'rest')!;
        assert.ok(sessions.length >= 8 && restDay, 'the plan has sessions and rest days in November');
        const planStore = await PlanStore.open(plansDb.url);
        await planStore.save({ userId: planned, templateId: 'half-beginner', race: { id: 'race-1', name: 'Lyon Half', date: '2027-01-17', distance: 21_097.5 }, baseWeekly: plan.baseWeekly, weeks: plan.weeks });
        await planStore.close();

        // Runs: the first session in full, the second in two runs of 35% each (done: 70%), the third at 50% (missed), and 5 km on a rest day.
        const runs: [string, string, number][] = [
          [planned, sessions[0]!.date, sessions[0]!.distance],
          [planned, sessions[1]!.date, sessions[1]!.distance * 0.35],
          [planned, sessions[1]!.date, sessions[1]!.distance * 0.35],
          [planned, sessions[2]!.date, sessions[2]!.distance * 0.5],
          [planned, restDay.date, 5000],
          [unplanned, '2026-11-10', 8000],
        ];
        for (const [runner, date, distance] of runs) {
          const token = tokenDealer.userToken({ sub: runner, scopes: ['runs:write'], audience: PUBLIC_API });
          const response = await fetch(`${data.url}/api/data/users/me/runs`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'Run', sport_type: 'Run', start_date: `${date}T07:00:00Z`, distance: Math.round(distance), moving_time: Math.round(distance / 3) }),
          });
          assert.equal(response.status, 201, await response.text());
        }
        for (const runner of [planned, unplanned]) {
          const response = await fetch(`${data.url}/internal/users/${runner}/email`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${await emails.token('users:email', 'runnerly-data')}`, 'content-type': 'application/json' },
            body: JSON.stringify({ email: `${runner}@example.com` }),
          });
          assert.equal(response.status, 204);
        }

        // Reports, with the plans service not started yet.
        const client = await tokenDealer.createServiceClient({ scopes: ['runs:read:all', 'plans:read:all'], audiences: ['runnerly-data', 'runnerly-plans'] });
        const plansPort = await freePort();
        let now = Date.parse('2026-12-02T00:00:00Z');
        const outbox = join(dir, 'outbox');
        const reports = await startReports(
          reportsTestConfig({ db: reportsDb.url, issuer: tokenDealer.issuer, dataServiceUrl: data.url, plansUrl: `http://127.0.0.1:${plansPort}`, client, outboxDir: outbox }),
          silent,
          { clock: () => now },
        );
        stops.push(() => reports.close());
        const store = await ReportStore.open(reportsDb.url);
        stops.push(() => store.close());
        const served = async (runner: string) => {
          const response = await fetch(`${reports.url}/api/reports/users/me/reports`, { headers: { authorization: `Bearer ${tokenDealer.userToken({ sub: runner, scopes: ['reports:read'], audience: PUBLIC_API })}` } });
          assert.equal(response.status, 200);
          return ((await response.json()) as { reports: (MonthlyReport & { delivery: string | null })[] }).reports;
        };

        await reports.tick();
        assert.equal(await store.findReport(planned, '2026-11'), undefined, 'no report without the plan');
        assert.deepEqual(await served(planned), []);
        assert.equal((await store.db.selectFrom('report_months').select('state').where('month', '=', '2026-11').executeTakeFirstOrThrow()).state, 'pending');
        assert.deepEqual(readOutbox(outbox), []);

        let plans: RunningPlans | undefined = await startPlans({ ...resolveOptions(PLANS_OPTIONS, {}), port: plansPort, db: plansDb.url, issuer: tokenDealer.issuer, publicApiAudience: PUBLIC_API, logLevel: 'silent' }, silent);
        stops.push(() => plans?.close() ?? Promise.resolve());
        await reports.tick();
        assert.equal(await store.findReport(planned, '2026-11'), undefined, 'the failed build waits for its retry');
        now += 31_000;
        await reports.tick();

        const [report] = await served(planned);
        const ran = runs.filter(([runner]) => runner === planned).reduce((sum, [, , distance]) => sum + Math.round(distance), 0);
        assert.deepEqual(report?.plan, {
          template: { id: 'half-beginner', name: 'Half marathon for beginners' },
          race: { name: 'Lyon Half', date: '2027-01-17' },
          planned_sessions: sessions.length,
          sessions_done: 2,
          planned_distance: sessions.reduce((sum, session) => sum + session.distance, 0),
          distance_run: ran,
          completion_percent: Math.round((2 / sessions.length) * 100),
        });
        assert.equal(report?.distance, ran);
        assert.equal((await served(unplanned))[0]?.plan, null, 'no plan: no comparison, and a report all the same');
        const anonymous = await fetch(`${reports.url}/api/reports/users/me/reports`);
        assert.equal(anonymous.status, 401, 'a refused token is an RFC 6750 error, not a 500');
        assert.equal(((await anonymous.json()) as { error: string }).error, 'missing_token');

        const mails = readOutbox(outbox);
        assert.deepEqual(mails.map((mail) => mail.to).sort(), [`${planned}@example.com`, `${unplanned}@example.com`]);
        const mail = mails.find((message) => message.to === `${planned}@example.com`)!;
        const done = `2 of ${sessions.length} (${Math.round((2 / sessions.length) * 100)}%)`;
        assert.ok(mail.text.includes('Your training plan (Half marathon for beginners, for Lyon Half on 17 January 2027):'), mail.text);
        assert.ok(mail.text.includes(`  Sessions done: ${done}`), mail.text);
        assert.ok(mail.html.includes(`<th align="left">Sessions done</th><td>${done}</td>`), mail.html);
        assert.ok(!mails.find((message) => message.to === `${unplanned}@example.com`)!.text.includes('training plan'));

        // A plan read later changes nothing already built: the month is done.
        await plans.close();
        plans = undefined;
        now += 3_600_000;
        await reports.tick();
        assert.equal(readOutbox(outbox).length, 2);
      } finally {
        for (const stop of stops.reverse()) await stop();
        for (const database of [dataDb, plansDb, reportsDb]) await database.drop();
        await tokenDealer.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
