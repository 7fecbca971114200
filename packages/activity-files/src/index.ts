export { parseUpload } from './upload.js';
export { DEFAULT_LIMITS, type ImportLimits } from './limits.js';
export { UploadRejected, type UploadRejectedCode } from './errors.js';
export type { FileOutcome, ParsedRun, RunSport } from './types.js';
export { encodePolyline, decodePolyline, type LatLng } from './polyline.js';
export { MAX_POLYLINE_POINTS } from './run-record.js';
export { ELEVATION_HYSTERESIS_M, MAX_SPEED_WINDOW_S, MOVING_SPEED_THRESHOLD } from './track-summary.js';
