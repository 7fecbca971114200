// Distances, durations and paces in the runner's units.
export type Units = 'km' | 'mi';
const METRES_PER_MILE = 1609.344;

export function distance(metres: number, units: Units): string {
  const value = units === 'mi' ? metres / METRES_PER_MILE : metres / 1000;
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units}`;
}

export function duration(exactSeconds: number): string {
  const seconds = Math.round(exactSeconds);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${String(rest).padStart(2, '0')}` : `${minutes}:${String(rest).padStart(2, '0')}`;
}

/** Pace in min/km or min/mi from a speed in m/s. */
export function pace(metresPerSecond: number, units: Units): string {
  if (!(metresPerSecond > 0)) return '–';
  const secondsPerUnit = (units === 'mi' ? METRES_PER_MILE : 1000) / metresPerSecond;
  const minutes = Math.floor(secondsPerUnit / 60);
  const seconds = Math.round(secondsPerUnit % 60);
  return seconds === 60 ? `${minutes + 1}:00 /${units}` : `${minutes}:${String(seconds).padStart(2, '0')} /${units}`;
}

export function date(iso: string): string {
  return new Date(`${iso.slice(0, 10)}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function monthName(year: number, month: number): string {
  return new Date(Date.UTC(year, month - 1, 15)).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
