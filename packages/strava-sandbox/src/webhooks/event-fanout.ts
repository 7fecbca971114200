import type { ActivityChange } from '../athletes/activity-store.js';
import type { Grant } from '../oauth/token-store.js';
import { canReadPrivateActivities } from '../oauth/scopes.js';
import type { Subscription } from './subscription-store.js';
import type { WebhookEvent } from './event-delivery.js';

/**
 * The event one application receives for an activity change, or undefined when it gets none.
 * Strava's privacy rule: an application without `activity:read_all` hears nothing about private
 * activities, a `delete` when one turns private and a `create` when one turns public.
 */
export function activityEventFor(change: ActivityChange, grant: Grant, subscription: Subscription, eventTime: number): WebhookEvent | undefined {
  const seesPrivate = canReadPrivateActivities(grant.scopes);
  const event = (aspect: WebhookEvent['aspect_type'], updates: Record<string, string> = {}): WebhookEvent => ({
    aspect_type: aspect,
    event_time: eventTime,
    object_id: change.activity.id,
    object_type: 'activity',
    owner_id: change.activity.athleteId,
    subscription_id: subscription.id,
    updates,
  });
  switch (change.aspect) {
    case 'create':
      return change.activity.private && !seesPrivate ? undefined : event('create');
    case 'delete':
      return change.activity.private && !seesPrivate ? undefined : event('delete');
    case 'update': {
      if (seesPrivate) return event('update', change.updates);
      const privacyChanged = change.previous.private !== change.activity.private;
      if (privacyChanged) return event(change.activity.private ? 'delete' : 'create');
      if (change.activity.private) return undefined;
      return event('update', change.updates);
    }
  }
}

/** The event an application receives when an athlete revokes its access. */
export function deauthorizationEvent(athleteId: number, subscription: Subscription, eventTime: number): WebhookEvent {
  return {
    aspect_type: 'update',
    event_time: eventTime,
    object_id: athleteId,
    object_type: 'athlete',
    owner_id: athleteId,
    subscription_id: subscription.id,
    updates: { authorized: 'false' },
  };
}
