import type { LatLng } from './polyline.js';

/** Longer tracks are first thinned to every k-th point: a summary polyline cannot show finer detail. */
const MAX_POINTS_BEFORE_RANKING = 5000;

/**
 * The Ramer-Douglas-Peucker simplification with at most `maxPoints` points: one pass ranks every point
 * by the tolerance at which RDP would drop it, and the best-ranked are kept. (lat, lng) are taken as
 * plane coordinates, which is close enough at the scale of a run.
 */
export function simplifyToAtMost(points: readonly LatLng[], maxPoints: number): LatLng[] {
  if (points.length <= maxPoints) return [...points];
  const thinned = thin(points, MAX_POINTS_BEFORE_RANKING);
  const importance = rdpImportance(thinned);
  const kept = Array.from(thinned.keys())
    .sort((a, b) => importance[b]! - importance[a]! || a - b)
    .slice(0, Math.max(2, maxPoints))
    .sort((a, b) => a - b);
  return kept.map((i) => thinned[i]!);
}

function thin(points: readonly LatLng[], maxPoints: number): readonly LatLng[] {
  if (points.length <= maxPoints) return points;
  const step = Math.ceil(points.length / (maxPoints - 1));
  const thinned = points.filter((_, i) => i % step === 0);
  if (thinned[thinned.length - 1] !== points[points.length - 1]) thinned.push(points[points.length - 1]!);
  return thinned;
}

/**
 * For each point, the largest tolerance at which RDP keeps it: its distance from the chord when RDP
 * splits there, capped by its parent's (RDP never reaches a point whose parent was dropped). Both
 * ends are always kept. Iterative, so long tracks cannot overflow the stack.
 */
function rdpImportance(points: readonly LatLng[]): Float64Array {
  const importance = new Float64Array(points.length);
  importance[0] = Infinity;
  importance[points.length - 1] = Infinity;
  const stack: number[] = [0, points.length - 1, Infinity];
  while (stack.length > 0) {
    const cap = stack.pop()!;
    const last = stack.pop()!;
    const first = stack.pop()!;
    if (last - first < 2) continue;
    let farthest = first + 1;
    let farthestDistance = -1;
    for (let i = first + 1; i < last; i++) {
      const distance = squaredSegmentDistance(points[i]!, points[first]!, points[last]!);
      if (distance > farthestDistance) {
        farthest = i;
        farthestDistance = distance;
      }
    }
    const rank = Math.min(farthestDistance, cap);
    importance[farthest] = rank;
    stack.push(first, farthest, rank, farthest, last, rank);
  }
  return importance;
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
