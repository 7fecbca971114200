import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_BACKENDS } from '@runnerly/test-support';
import { ReportStore } from '../src/storage/report-store.js';

for (const backend of TEST_BACKENDS) {
  describe(`${backend.name}: the delivery ledger keeps mail to at most once per runner and month`, () => {
    it('lets two instances claim each due delivery once, and never again once sent', async () => {
      const database = await backend.create();
      const [a, b] = [await ReportStore.open(database.url), await ReportStore.open(database.url)];
      try {
        const now = 1_800_000_000_000;
        for (let i = 0; i < 20; i += 1) await a.addDelivery(`runner-${i}`, '2026-11', `r${i}@example.com`, true, now);
        await b.addDelivery('runner-0', '2026-11', 'other@example.com', true, now);
        const claimed: string[] = [];
        const drain = async (store: ReportStore) => {
          for (let d = await store.claimDelivery(now, 60_000); d; d = await store.claimDelivery(now, 60_000)) {
            claimed.push(d.user_id);
            await store.markDelivery(d.user_id, d.month, { state: 'sent', sent_at: now });
          }
        };
        await Promise.all([drain(a), drain(b)]);
        assert.equal(claimed.length, 20);
        assert.equal(new Set(claimed).size, 20);
        assert.equal((await a.delivery('runner-0', '2026-11'))?.email, 'r0@example.com', 'a second add never resets a delivery');
        assert.equal(await a.claimDelivery(now + 86_400_000, 60_000), undefined);
      } finally {
        await a.close();
        await b.close();
        await database.drop();
      }
    });

    it('never sends again what a dead sender may have sent', async () => {
      const database = await backend.create();
      const store = await ReportStore.open(database.url);
      try {
        const now = 1_800_000_000_000;
        await store.addDelivery('runner-1', '2026-11', 'r1@example.com', true, now);
        assert.ok(await store.claimDelivery(now, 60_000));
        // The sender dies here: its lease runs out.
        assert.equal(await store.abandonStaleSends(now + 30_000), 0);
        assert.equal(await store.abandonStaleSends(now + 61_000), 1);
        assert.equal((await store.delivery('runner-1', '2026-11'))?.state, 'unknown');
        assert.equal(await store.claimDelivery(now + 3_600_000, 60_000), undefined);
      } finally {
        await store.close();
        await database.drop();
      }
    });

    it('gives a month to one instance at a time, and to another once the lease runs out', async () => {
      const database = await backend.create();
      const store = await ReportStore.open(database.url);
      try {
        const now = 1_800_000_000_000;
        await store.ensureMonths(['2026-10', '2026-11'], now);
        assert.equal((await store.claimMonth('a', now, 60_000))?.month, '2026-10');
        assert.equal((await store.claimMonth('b', now, 60_000))?.month, '2026-11');
        assert.equal(await store.claimMonth('c', now, 60_000), undefined);
        assert.equal(await store.progressMonth('2026-10', 'a', 'cursor-1', now, 60_000), true);
        const retaken = await store.claimMonth('c', now + 61_000, 60_000);
        assert.deepEqual([retaken?.month, retaken?.cursor], ['2026-10', 'cursor-1'], 'the next builder resumes from the saved cursor');
        assert.equal(await store.progressMonth('2026-10', 'a', 'cursor-2', now + 62_000, 60_000), false, 'the first builder has lost it');
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
