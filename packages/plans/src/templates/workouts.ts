// What each kind of session asks of the runner, in words, per race distance.
import type { RaceDistance, SessionKind } from './catalog.js';

const INTERVALS: Record<RaceDistance, string> = {
  '5k': 'Warm up 2 km, then 6 × 400 m fast with 90 s of easy jogging between, cool down.',
  '10k': 'Warm up 2 km, then 5 × 1 km at 10K race pace with 2 min of easy jogging between, cool down.',
  half: 'Warm up 2 km, then 4 × 2 km at half-marathon pace with 2 min of easy jogging between, cool down.',
  marathon: 'Warm up 2 km, then 3 × 3 km at marathon pace with 3 min of easy jogging between, cool down.',
};

export function sessionTitle(kind: SessionKind): string {
  return { easy: 'Easy run', long: 'Long run', intervals: 'Intervals', tempo: 'Tempo run', rest: 'Rest', race: 'Race day' }[kind];
}

export function sessionDescription(kind: SessionKind, race: RaceDistance): string {
  switch (kind) {
    case 'easy':
      return 'Easy, conversational pace.';
    case 'long':
      return 'Long run at an easy pace; walk breaks are fine.';
    case 'intervals':
      return INTERVALS[race];
    case 'tempo':
      return 'Warm up, then 20 to 30 minutes at a comfortably hard pace, cool down.';
    case 'rest':
      return 'Rest, or a gentle walk.';
    case 'race':
      return 'Race day: start easy, finish strong. Good luck!';
  }
}
