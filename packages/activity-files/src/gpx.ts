import { emptyPoint, type Activity, type TrackPoint } from './activity.js';
import { ActivityFileError } from './errors.js';
import { isValidPosition } from './geo.js';
import { sportFromName } from './sport.js';
import { decodeXmlText, numberFromText, timeFromText, walkXml } from './xml.js';

/** GPX 1.0/1.1: <trk> with <trkseg>/<trkpt>; heart rate from Garmin's TrackPointExtension (<hr>) or <heartrate>. */
export function parseGpx(bytes: Uint8Array, maxTrackPoints: number): Activity {
  const points: TrackPoint[] = [];
  let current: TrackPoint | null = null;
  let segmentHasPoints = false;
  const texts: { trkName?: string; metaName?: string; trkDesc?: string; metaDesc?: string; type?: string } = {};

  const root = walkXml(decodeXmlText(bytes), {
    open(element, ancestors) {
      if (element.name === 'trkseg') segmentHasPoints = false;
      if (element.name !== 'trkpt' || !ancestors.includes('trk')) return;
      if (points.length >= maxTrackPoints) throw new ActivityFileError(`more than ${maxTrackPoints} track points`);
      const lat = Number(element.attributes.lat);
      const lon = Number(element.attributes.lon);
      if (element.attributes.lat === undefined || element.attributes.lon === undefined || !isValidPosition(lat, lon)) {
        throw new ActivityFileError(`track point ${points.length + 1} has no valid lat/lon`);
      }
      current = { ...emptyPoint(), lat, lon, startsSegment: points.length > 0 && !segmentHasPoints };
    },
    close(element, text, ancestors) {
      const parent = ancestors[ancestors.length - 1];
      if (current !== null && ancestors.includes('trkpt')) {
        switch (element.name) {
          case 'ele':
            current.elevation = numberFromText(text);
            break;
          case 'time': {
            const time = timeFromText(text);
            if (time === null) throw new ActivityFileError(`track point ${points.length + 1} has an invalid <time> "${text.slice(0, 40)}"`);
            current.time = time;
            break;
          }
          case 'hr':
          case 'heartrate':
            current.heartRate = numberFromText(text);
            break;
        }
        return;
      }
      if (element.name === 'trkpt' && current !== null) {
        points.push(current);
        current = null;
        segmentHasPoints = true;
        return;
      }
      if (parent === 'trk') {
        if (element.name === 'name') texts.trkName ??= text;
        if (element.name === 'desc') texts.trkDesc ??= text;
        if (element.name === 'type') texts.type ??= text;
      } else if (parent === 'metadata') {
        if (element.name === 'name') texts.metaName ??= text;
        if (element.name === 'desc') texts.metaDesc ??= text;
      }
    },
  });
  if (root !== 'gpx') throw new ActivityFileError(`not a GPX file: the root element is <${root}>, not <gpx>`);

  return {
    format: 'GPX',
    // A GPX without <type> is taken as a run: most running apps do not write one.
    sport: texts.type ? sportFromName(texts.type) : { run: 'Run' },
    name: texts.trkName || texts.metaName || null,
    description: texts.trkDesc || texts.metaDesc || null,
    points,
    totals: {},
    utcOffsetSeconds: null,
  };
}
