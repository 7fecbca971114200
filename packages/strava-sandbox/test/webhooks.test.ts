import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_ID, CLIENT_SECRET, linkAthlete, postForm, startSandbox, type RunningSandbox } from './helpers/sandbox.js';
import { CallbackReceiver } from './helpers/callback-receiver.js';

const VERIFY_TOKEN = 'runnerly-verify';

async function subscribe(url: string, callbackUrl: string, verifyToken = VERIFY_TOKEN) {
  return postForm(`${url}/api/v3/push_subscriptions`, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, callback_url: callbackUrl, verify_token: verifyToken });
}

const credentials = new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString();

describe('push subscriptions and webhook events', () => {
  let running: RunningSandbox;
  let receiver: CallbackReceiver;
  let subscriptionId: number;

  before(async () => {
    running = await startSandbox({ rateLimits: false, retryDelay: 20, callbackTimeout: 300 });
  });
  after(() => running.close());

  beforeEach(async () => {
    receiver = new CallbackReceiver(VERIFY_TOKEN);
    await receiver.start();
    const created = await subscribe(running.url, receiver.url);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    subscriptionId = created.body.id as number;
  });
  afterEach(async () => {
    await running.sandbox.admin.webhooksIdle();
    await fetch(`${running.url}/api/v3/push_subscriptions/${subscriptionId}?${credentials}`, { method: 'DELETE' });
    await receiver.stop();
  });

  it('validates the callback with the hub challenge and verify token, then lists the one subscription', async () => {
    const handshake = receiver.requests.find((request) => request.method === 'GET')!;
    assert.equal(handshake.url.searchParams.get('hub.mode'), 'subscribe');
    assert.equal(handshake.url.searchParams.get('hub.verify_token'), VERIFY_TOKEN);
    assert.match(handshake.url.searchParams.get('hub.challenge') ?? '', /^[0-9a-f]{24}$/);

    const listed = await fetch(`${running.url}/api/v3/push_subscriptions?${credentials}`);
    assert.equal(listed.status, 200);
    const [subscription, ...rest] = (await listed.json()) as Array<Record<string, unknown>>;
    assert.equal(rest.length, 0);
    assert.equal(subscription!.id, subscriptionId);
    assert.equal(subscription!.callback_url, receiver.url);
    assert.equal(subscription!.application_id, Number(CLIENT_ID));

    const second = await subscribe(running.url, receiver.url);
    assert.equal(second.status, 400);
    assert.deepEqual(second.body, { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field: '', code: 'already exists' }] });
  });

  it('refuses a callback that does not echo the challenge, or is off the callback domains, or a wrong secret', async () => {
    await fetch(`${running.url}/api/v3/push_subscriptions/${subscriptionId}?${credentials}`, { method: 'DELETE' });
    const wrongToken = await subscribe(running.url, receiver.url, 'not-the-token');
    assert.equal(wrongToken.status, 400);
    assert.deepEqual(wrongToken.body, { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field: 'callback url', code: 'GET to callback URL does not return 200' }] });
    receiver.handshakeAnswer = () => ({ status: 200, body: { 'hub.challenge': 'something else' } });
    assert.equal((await subscribe(running.url, receiver.url)).status, 400);
    receiver.handshakeAnswer = (challenge) => ({ status: 200, body: { 'hub.challenge': challenge }, delayMs: 600 });
    assert.equal((await subscribe(running.url, receiver.url)).status, 400, 'too slow: the callback timeout is 300 ms here');
    receiver.handshakeAnswer = undefined;
    const offDomain = await subscribe(running.url, 'http://203.0.113.7/strava/webhook');
    assert.deepEqual(offDomain.body, { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field: 'callback_url', code: 'invalid' }] });
    const badSecret = await postForm(`${running.url}/api/v3/push_subscriptions`, { client_id: CLIENT_ID, client_secret: 'nope', callback_url: receiver.url, verify_token: VERIFY_TOKEN });
    assert.deepEqual(badSecret.body, { message: 'Bad Request', errors: [{ resource: 'Application', field: 'client_secret', code: 'invalid' }] });
    // As Strava's documentation does it, with curl -F: multipart fields.
    const form = new FormData();
    for (const [name, value] of Object.entries({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, callback_url: receiver.url, verify_token: VERIFY_TOKEN })) form.append(name, value);
    const again = await fetch(`${running.url}/api/v3/push_subscriptions`, { method: 'POST', body: form });
    assert.equal(again.status, 201);
    subscriptionId = ((await again.json()) as { id: number }).id;
  });

  it('posts create, update and delete events for a linked athlete\'s activities, and nothing for unlinked athletes', async () => {
    const linked = await linkAthlete(running, ['activity:read_all'], 0);
    const unlinked = running.sandbox.admin.athletes()[2]!;
    running.sandbox.admin.createActivity(unlinked.id, { name: 'Unseen' });
    const created = running.sandbox.admin.createActivity(linked.athleteId, { name: 'Sunset 10k', sport_type: 'Run', distance: 10_000 });
    running.sandbox.admin.updateActivity(created.id, { name: 'Sunset 10K PB', sport_type: 'TrailRun', distance: 10_050 });
    running.sandbox.admin.updateActivity(created.id, { distance: 10_100 }); // not announced by Strava
    running.sandbox.admin.deleteActivity(created.id);
    await running.sandbox.admin.webhooksIdle();

    const events = receiver.events();
    assert.deepEqual(
      events.map(({ event_time: _time, ...rest }) => rest),
      [
        { aspect_type: 'create', object_id: created.id, object_type: 'activity', owner_id: linked.athleteId, subscription_id: subscriptionId, updates: {} },
        { aspect_type: 'update', object_id: created.id, object_type: 'activity', owner_id: linked.athleteId, subscription_id: subscriptionId, updates: { title: 'Sunset 10K PB', type: 'TrailRun' } },
        { aspect_type: 'delete', object_id: created.id, object_type: 'activity', owner_id: linked.athleteId, subscription_id: subscriptionId, updates: {} },
      ],
    );
    assert.ok(events.every((event) => typeof event.event_time === 'number'));
  });

  it('without activity:read_all, private activities are silent and a privacy change is a delete or a create', async () => {
    const linked = await linkAthlete(running, ['activity:read'], 1);
    const secret = running.sandbox.admin.createActivity(linked.athleteId, { private: true });
    running.sandbox.admin.updateActivity(secret.id, { name: 'Still secret' });
    const open = running.sandbox.admin.createActivity(linked.athleteId, {});
    running.sandbox.admin.updateActivity(open.id, { private: true });
    running.sandbox.admin.updateActivity(open.id, { private: false });
    await running.sandbox.admin.webhooksIdle();
    assert.deepEqual(
      receiver.events().map((event) => [event.aspect_type, event.object_id]),
      [
        ['create', open.id],
        ['delete', open.id],
        ['create', open.id],
      ],
    );
  });

  it('sends {"authorized": "false"} when the athlete deauthorizes, by the API or the admin', async () => {
    const first = await linkAthlete(running, ['read'], 0);
    await postForm(`${running.url}/oauth/deauthorize`, { access_token: first.access_token });
    const second = await linkAthlete(running, ['read'], 1);
    const byAdmin = await fetch(`${running.url}/_sandbox/athletes/${second.athleteId}/deauthorize`, { method: 'POST' });
    assert.deepEqual(await byAdmin.json(), { deauthorized: 1 });
    await running.sandbox.admin.webhooksIdle();
    assert.deepEqual(
      receiver.events().map(({ event_time: _time, ...rest }) => rest),
      [first.athleteId, second.athleteId].map((id) => ({
        aspect_type: 'update',
        object_id: id,
        object_type: 'athlete',
        owner_id: id,
        subscription_id: subscriptionId,
        updates: { authorized: 'false' },
      })),
    );
  });

  it('retries an event not answered 200 in time, three attempts in all', async () => {
    const linked = await linkAthlete(running, ['activity:read'], 0);
    receiver.eventAnswers = [{ status: 500 }, { status: 200, delayMs: 600 }, { status: 200 }];
    const activity = running.sandbox.admin.createActivity(linked.athleteId, {});
    await running.sandbox.admin.webhooksIdle();
    assert.deepEqual(
      receiver.events().map((event) => event.object_id),
      [activity.id, activity.id, activity.id],
    );
    const delivery = running.sandbox.admin.deliveries().find((entry) => entry.event.object_id === activity.id)!;
    assert.equal(delivery.state, 'delivered');
    assert.deepEqual(
      delivery.attempts.map((attempt) => attempt.status ?? attempt.error),
      [500, 'no answer within 300 ms', 200],
    );
  });

  it('gives up after three failed attempts', async () => {
    const linked = await linkAthlete(running, ['activity:read'], 0);
    receiver.eventAnswers = [{ status: 503 }];
    const activity = running.sandbox.admin.createActivity(linked.athleteId, {});
    await running.sandbox.admin.webhooksIdle();
    assert.equal(receiver.events().length, 3);
    const delivery = running.sandbox.admin.deliveries().find((entry) => entry.event.object_id === activity.id)!;
    assert.equal(delivery.state, 'failed');
  });

  it('a deleted subscription receives nothing more', async () => {
    const linked = await linkAthlete(running, ['activity:read'], 0);
    const removed = await fetch(`${running.url}/api/v3/push_subscriptions/${subscriptionId}?${credentials}`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
    assert.deepEqual(await (await fetch(`${running.url}/api/v3/push_subscriptions?${credentials}`)).json(), []);
    running.sandbox.admin.createActivity(linked.athleteId, {});
    await running.sandbox.admin.webhooksIdle();
    assert.equal(receiver.events().length, 0);
    const again = await fetch(`${running.url}/api/v3/push_subscriptions/${subscriptionId}?${credentials}`, { method: 'DELETE' });
    assert.equal(again.status, 404);
  });
});
