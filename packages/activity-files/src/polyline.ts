// Google's encoded polyline algorithm format, precision 5 (what Strava's summary_polyline uses).

export type LatLng = readonly [lat: number, lng: number];

const PRECISION = 1e5;

function encodeSignedValue(value: number): string {
  let shifted = value < 0 ? ~(value << 1) : value << 1;
  let out = '';
  while (shifted >= 0x20) {
    out += String.fromCharCode((0x20 | (shifted & 0x1f)) + 63);
    shifted >>>= 5;
  }
  return out + String.fromCharCode(shifted + 63);
}

export function encodePolyline(points: readonly LatLng[]): string {
  let previousLat = 0;
  let previousLng = 0;
  let out = '';
  for (const [lat, lng] of points) {
    const scaledLat = Math.round(lat * PRECISION);
    const scaledLng = Math.round(lng * PRECISION);
    out += encodeSignedValue(scaledLat - previousLat) + encodeSignedValue(scaledLng - previousLng);
    previousLat = scaledLat;
    previousLng = scaledLng;
  }
  return out;
}

/** Decodes a precision-5 polyline; throws a TypeError on a string that is not one. */
export function decodePolyline(encoded: string): [number, number][] {
  const points: [number, number][] = [];
  let index = 0;
  let lat = 0;
  let lng = 0;
  const readValue = (): number => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      if (index >= encoded.length) throw new TypeError('truncated polyline');
      byte = encoded.charCodeAt(index++) - 63;
      if (byte < 0 || byte > 63) throw new TypeError(`invalid polyline character at ${index - 1}`);
      result |= (byte & 0x1f) << shift;
      shift += 5;
      if (shift > 30) throw new TypeError('polyline value too long');
    } while (byte >= 0x20);
    return result & 1 ? ~(result >> 1) : result >> 1;
  };
  while (index < encoded.length) {
    lat += readValue();
    lng += readValue();
    points.push([lat / PRECISION, lng / PRECISION]);
  }
  return points;
}
