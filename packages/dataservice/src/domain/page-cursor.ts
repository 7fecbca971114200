// Opaque paging cursors: the sort key of the last item a page held, base64url JSON. Decoding checks
// the shape, so a forged cursor is a 400 naming `cursor`, never a query on odd values.
import { badRequest } from '@runnerly/http-service';

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeParts(cursor: string): unknown[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts)) return parts;
  } catch {
    // answered below
  }
  throw badRequest('cursor', 'is not a cursor this service issued');
}

const KEY = /^[A-Za-z0-9_-]{1,255}$/;

/** [number, id] */
export function decodeTimeCursor(cursor: string): { start_time: number; id: string } {
  const [time, id, ...rest] = decodeParts(cursor);
  if (rest.length > 0 || !Number.isSafeInteger(time) || typeof id !== 'string' || !KEY.test(id)) throw badRequest('cursor', 'is not a cursor this service issued');
  return { start_time: time as number, id };
}

/** [YYYY-MM-DD, id] */
export function decodeDateCursor(cursor: string): { date: string; id: string } {
  const [date, id, ...rest] = decodeParts(cursor);
  if (rest.length > 0 || typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || typeof id !== 'string' || !KEY.test(id)) {
    throw badRequest('cursor', 'is not a cursor this service issued');
  }
  return { date, id };
}

/** [subject] */
export function decodeSubjectCursor(cursor: string): string {
  const [sub, ...rest] = decodeParts(cursor);
  if (rest.length > 0 || typeof sub !== 'string' || sub.length === 0 || sub.length > 255) throw badRequest('cursor', 'is not a cursor this service issued');
  return sub;
}
