import type { Prng } from '../random/prng.js';

const METRES_PER_DEGREE = 111_320;

/**
 * A closed loop of about `distance` metres starting near `home`: a wobbly circle, so that maps
 * look like a route and the encoded polyline has realistic length.
 */
export function loopRoute(home: [number, number], distance: number, random: Prng, pointCount = 60): Array<[number, number]> {
  const radius = distance / (2 * Math.PI);
  const heading = random.between(0, 2 * Math.PI);
  const [lat0, lng0] = home;
  const metresPerLng = METRES_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180);
  // The loop's centre lies one radius away from the start, so the route starts and ends at home.
  const centreNorth = radius * Math.cos(heading);
  const centreEast = radius * Math.sin(heading);
  const wobble = [random.between(0, 0.12), random.between(0, 0.08)] as const;
  const points: Array<[number, number]> = [];
  for (let i = 0; i <= pointCount; i++) {
    const angle = heading + Math.PI + (2 * Math.PI * i) / pointCount;
    const scale = 1 + wobble[0] * Math.sin(3 * angle) + wobble[1] * Math.cos(5 * angle);
    const north = centreNorth + radius * scale * Math.cos(angle);
    const east = centreEast + radius * scale * Math.sin(angle);
    points.push([round5(lat0 + north / METRES_PER_DEGREE), round5(lng0 + east / metresPerLng)]);
  }
  return points;
}

/** Altitudes along a route: a gentle random profile whose total climb is about `gain` metres. */
export function elevationProfile(pointCount: number, base: number, gain: number, random: Prng): number[] {
  if (pointCount === 0) return [];
  const hills = Math.max(1, Math.round(random.between(1, 4)));
  const amplitude = gain / (2 * hills);
  const phase = random.between(0, Math.PI);
  return Array.from({ length: pointCount }, (_, i) => {
    const t = pointCount === 1 ? 0 : i / (pointCount - 1);
    return Math.round((base + amplitude * (1 - Math.cos(2 * Math.PI * hills * t + phase))) * 10) / 10;
  });
}

/** Great-circle distance in metres (haversine). */
export function haversine(a: [number, number], b: [number, number]): number {
  const toRad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = toRad(b[0] - a[0]);
  const dLng = toRad(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a[0])) * Math.cos(toRad(b[0])) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

function round5(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}
