import { emptyPoint, type Activity, type StatedTotals, type TrackPoint } from './activity.js';
import { ActivityFileError } from './errors.js';
import { isValidPosition } from './geo.js';
import { sportFromName } from './sport.js';
import { decodeXmlText, numberFromText, timeFromText, walkXml } from './xml.js';

interface LapTotals {
  startTime: number | null;
  seconds: number | null;
  metres: number | null;
  maxSpeed: number | null;
  averageHeartRate: number | null;
  maxHeartRate: number | null;
}

/** Garmin Training Center XML v2: the first <Activity>, its <Lap> totals and <Trackpoint>s. */
export function parseTcx(bytes: Uint8Array, maxTrackPoints: number): Activity {
  const points: TrackPoint[] = [];
  const laps: LapTotals[] = [];
  let activityCount = 0;
  let sport = '';
  let activityId: number | null = null;
  let notes: string | null = null;
  let lap: LapTotals | null = null;
  let point: TrackPoint | null = null;
  const inFirstActivity = (ancestors: readonly string[]) => activityCount === 1 && ancestors.includes('Activity');

  const root = walkXml(decodeXmlText(bytes), {
    open(element, ancestors) {
      if (element.name === 'Activity' && ancestors[ancestors.length - 1] === 'Activities') {
        activityCount++;
        if (activityCount === 1) sport = element.attributes.Sport ?? '';
      }
      if (!inFirstActivity([...ancestors, element.name])) return;
      if (element.name === 'Lap') {
        lap = { startTime: timeFromText(element.attributes.StartTime ?? ''), seconds: null, metres: null, maxSpeed: null, averageHeartRate: null, maxHeartRate: null };
      } else if (element.name === 'Trackpoint') {
        if (points.length >= maxTrackPoints) throw new ActivityFileError(`more than ${maxTrackPoints} track points`);
        point = emptyPoint();
      }
    },
    close(element, text, ancestors) {
      if (!inFirstActivity(ancestors) && element.name !== 'Activity') return;
      const parent = ancestors[ancestors.length - 1];
      if (point !== null) {
        if (element.name === 'Trackpoint') {
          if ((point.lat === null) !== (point.lon === null) || (point.lat !== null && !isValidPosition(point.lat, point.lon!))) {
            throw new ActivityFileError(`Trackpoint ${points.length + 1} has an invalid Position`);
          }
          points.push(point);
          point = null;
          return;
        }
        switch (element.name) {
          case 'Time': {
            const time = timeFromText(text);
            if (time === null) throw new ActivityFileError(`Trackpoint ${points.length + 1} has an invalid <Time> "${text.slice(0, 40)}"`);
            point.time = time;
            break;
          }
          case 'LatitudeDegrees':
            point.lat = numberFromText(text);
            break;
          case 'LongitudeDegrees':
            point.lon = numberFromText(text);
            break;
          case 'AltitudeMeters':
            point.elevation = numberFromText(text);
            break;
          case 'DistanceMeters':
            point.distance = numberFromText(text);
            break;
          case 'Value':
            if (parent === 'HeartRateBpm') point.heartRate = numberFromText(text);
            break;
        }
        return;
      }
      if (lap !== null) {
        if (element.name === 'Lap') {
          laps.push(lap);
          lap = null;
        } else if (parent === 'Lap') {
          if (element.name === 'TotalTimeSeconds') lap.seconds = numberFromText(text);
          if (element.name === 'DistanceMeters') lap.metres = numberFromText(text);
          if (element.name === 'MaximumSpeed') lap.maxSpeed = numberFromText(text);
        } else if (element.name === 'Value' && parent === 'AverageHeartRateBpm') {
          lap.averageHeartRate = numberFromText(text);
        } else if (element.name === 'Value' && parent === 'MaximumHeartRateBpm') {
          lap.maxHeartRate = numberFromText(text);
        }
        return;
      }
      if (parent === 'Activity' && element.name === 'Id') activityId = timeFromText(text);
      if (parent === 'Activity' && element.name === 'Notes') notes = text || null;
    },
  });
  if (root !== 'TrainingCenterDatabase') {
    throw new ActivityFileError(`not a TCX file: the root element is <${root}>, not <TrainingCenterDatabase>`);
  }
  if (activityCount === 0) throw new ActivityFileError('the TCX file holds no <Activity>');

  return {
    format: 'TCX',
    sport: sportFromName(sport || 'Other'),
    name: null,
    description: notes,
    points,
    totals: totalsFromLaps(laps, activityId),
    utcOffsetSeconds: null,
  };
}

function totalsFromLaps(laps: readonly LapTotals[], activityId: number | null): StatedTotals {
  const totals: StatedTotals = {};
  const startTimes = laps.map((l) => l.startTime).filter((t): t is number => t !== null);
  const start = startTimes[0] ?? activityId;
  if (start !== null && start !== undefined) totals.startTime = start;
  const timed = laps.filter((l) => l.seconds !== null);
  if (timed.length > 0) totals.movingTime = timed.reduce((sum, l) => sum + l.seconds!, 0);
  const measured = laps.filter((l) => l.metres !== null);
  if (measured.length > 0) totals.distance = measured.reduce((sum, l) => sum + l.metres!, 0);
  const maxSpeeds = laps.map((l) => l.maxSpeed).filter((s): s is number => s !== null);
  if (maxSpeeds.length > 0) totals.maxSpeed = Math.max(...maxSpeeds);
  const maxHeartRates = laps.map((l) => l.maxHeartRate).filter((h): h is number => h !== null && h > 0);
  if (maxHeartRates.length > 0) totals.maxHeartRate = Math.max(...maxHeartRates);
  // Lap averages weighted by lap time (a lap without a time counts once).
  const withHeartRate = laps.filter((l) => l.averageHeartRate !== null && l.averageHeartRate > 0);
  if (withHeartRate.length > 0) {
    const weight = (l: LapTotals) => (l.seconds !== null && l.seconds > 0 ? l.seconds : 1);
    const totalWeight = withHeartRate.reduce((sum, l) => sum + weight(l), 0);
    totals.averageHeartRate = withHeartRate.reduce((sum, l) => sum + l.averageHeartRate! * weight(l), 0) / totalWeight;
  }
  return totals;
}
