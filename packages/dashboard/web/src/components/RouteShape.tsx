// A run's route drawn from its polyline as an SVG line: no map tiles, nothing loaded from elsewhere.
import { decodePolyline } from '../polyline';

export function RouteShape({ polyline, size = 96, label }: { polyline: string | null; size?: number; label: string }) {
  const points = polyline ? decodePolyline(polyline) : [];
  if (points.length < 2) return <div className="route route-empty" style={{ width: size, height: size }} aria-hidden="true" />;
  const lats = points.map(([lat]) => lat);
  const lngs = points.map(([, lng]) => lng);
  const midLat = ((Math.min(...lats) + Math.max(...lats)) / 2) * (Math.PI / 180);
  // Longitude degrees shrink towards the poles: scale them so the shape is not stretched.
  const xs = lngs.map((lng) => lng * Math.cos(midLat));
  const minX = Math.min(...xs);
  const maxY = Math.max(...lats);
  const span = Math.max(Math.max(...xs) - minX, maxY - Math.min(...lats)) || 1;
  const pad = 4;
  const scale = (size - pad * 2) / span;
  const path = points.map(([lat], i) => `${i === 0 ? 'M' : 'L'}${(pad + (xs[i]! - minX) * scale).toFixed(1)},${(pad + (maxY - lat) * scale).toFixed(1)}`).join(' ');
  return (
    <svg className="route" width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label}>
      <path d={path} fill="none" stroke="currentColor" strokeWidth={2} strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}
