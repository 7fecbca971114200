import type { Athlete } from '../athletes/model.js';
import { isoSeconds } from '../athletes/local-time.js';

/** The summary athlete of the token response (resource_state 2). */
export function summaryAthlete(athlete: Athlete) {
  return {
    id: athlete.id,
    username: athlete.username,
    resource_state: 2,
    firstname: athlete.firstname,
    lastname: athlete.lastname,
    bio: null,
    city: athlete.city,
    state: athlete.state,
    country: athlete.country,
    sex: athlete.sex,
    premium: false,
    summit: false,
    created_at: isoSeconds(athlete.createdAt),
    updated_at: isoSeconds(athlete.updatedAt),
    badge_type_id: 0,
    weight: athlete.weight,
    // Strava's placeholders for an athlete without a photo: relative, so nothing leaves the machine.
    profile_medium: 'avatar/athlete/medium.png',
    profile: 'avatar/athlete/large.png',
    friend: null,
    follower: null,
  };
}

/** `GET /athlete`: the detailed representation of the authenticated athlete (resource_state 3). */
export function detailedAthlete(athlete: Athlete) {
  return {
    ...summaryAthlete(athlete),
    resource_state: 3,
    follower_count: 0,
    friend_count: 0,
    measurement_preference: 'meters',
    ftp: null,
    clubs: [],
    bikes: [],
    shoes: [{ id: `g${athlete.id % 100000}1`, primary: true, name: 'Daily trainers', resource_state: 2, distance: 0 }],
  };
}
