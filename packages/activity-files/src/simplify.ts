import type { LatLng } from './polyline.js';

/**
 * Ramer-Douglas-Peucker on (lat, lng) as plane coordinates, iterative so long tracks cannot overflow
 * the stack. Keeps both ends and every point farther than `tolerance` (degrees) from the simplified line.
 */
export function simplifyByTolerance(points: readonly LatLng[], tolerance: number): LatLng[] {
  if (points.length <= 2) return [...points];
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  const toleranceSquared = tolerance * tolerance;
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    let farthest = -1;
    let farthestDistance = toleranceSquared;
    for (let i = first + 1; i < last; i++) {
      const distance = squaredSegmentDistance(points[i]!, points[first]!, points[last]!);
      if (distance > farthestDistance) {
        farthest = i;
        farthestDistance = distance;
      }
    }
    if (farthest !== -1) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

/** The smallest RDP simplification found with at most `maxPoints` points (binary search on tolerance). */
export function simplifyToAtMost(points: readonly LatLng[], maxPoints: number): LatLng[] {
  if (points.length <= maxPoints) return [...points];
  let low = 0;
  let high = 1; // degrees: ~100 km, leaves any track with its two ends
  let best = simplifyByTolerance(points, high);
  for (let step = 0; step < 30; step++) {
    const middle = (low + high) / 2;
    const candidate = simplifyByTolerance(points, middle);
    if (candidate.length <= maxPoints) {
      best = candidate;
      high = middle;
    } else {
      low = middle;
    }
  }
  return best;
}

function squaredSegmentDistance(point: LatLng, start: LatLng, end: LatLng): number {
  let [x, y] = start;
  let dx = end[0] - x;
  let dy = end[1] - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((point[0] - x) * dx + (point[1] - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = end[0];
      y = end[1];
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = point[0] - x;
  dy = point[1] - y;
  return dx * dx + dy * dy;
}
