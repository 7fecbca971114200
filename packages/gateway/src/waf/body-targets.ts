// Inspection targets from request bodies: urlencoded forms and JSON (keys and string values).
// Walks are bounded in depth and count so that a hostile body cannot make inspection expensive;
// what lies beyond the bounds is not inspected (reported through `truncated`).

import { splitQuery } from './request-target.js';
import type { InspectionTarget } from './signatures.js';

export interface BodyTargets {
  targets: InspectionTarget[];
  /** True when the depth or count bound cut the walk short. */
  truncated: boolean;
}

export interface JsonWalkLimits {
  /** Deepest nesting walked (the top-level value is depth 1). */
  maxDepth: number;
  /** Most keys plus string values collected. */
  maxTargets: number;
}

/** Names and values of an application/x-www-form-urlencoded body (decoded later, '+' as space). */
export function formTargets(body: string, maxTargets: number): BodyTargets {
  const args = splitQuery(body, maxTargets + 1);
  const truncated = args.length > maxTargets;
  const targets: InspectionTarget[] = [];
  for (const arg of truncated ? args.slice(0, maxTargets) : args) {
    targets.push({ name: 'form-name', value: arg.name, plusAsSpace: true });
    targets.push({ name: `form:${arg.name}`, value: arg.value, plusAsSpace: true });
  }
  return { targets, truncated };
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]{0,63}$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key.slice(0, 64))}]`;
}

/**
 * Keys and string values of a parsed JSON document, breadth-first with an explicit queue (no
 * recursion, so deep nesting cannot overflow the stack). Numbers, booleans and null carry no
 * injection and are skipped.
 */
export function jsonTargets(document: unknown, limits: JsonWalkLimits): BodyTargets {
  const targets: InspectionTarget[] = [];
  let truncated = false;
  const queue: Array<{ value: unknown; path: string; depth: number }> = [{ value: document, path: '$', depth: 1 }];
  for (let head = 0; head < queue.length; head++) {
    const { value, path, depth } = queue[head] as { value: unknown; path: string; depth: number };
    if (targets.length >= limits.maxTargets) { truncated = true; break; }
    if (typeof value === 'string') {
      targets.push({ name: `json:${path}`, value, plusAsSpace: false });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limits.maxDepth) { truncated = true; continue; }
    if (Array.isArray(value)) {
      value.forEach((item, index) => queue.push({ value: item, path: childPath(path, index), depth: depth + 1 }));
    } else {
      for (const [key, item] of Object.entries(value)) {
        targets.push({ name: `json-key:${path}`, value: key, plusAsSpace: false });
        queue.push({ value: item, path: childPath(path, key), depth: depth + 1 });
      }
    }
  }
  if (targets.length > limits.maxTargets) {
    targets.length = limits.maxTargets;
    truncated = true;
  }
  return { targets, truncated };
}

/** A body that is not valid JSON is inspected as one text, so a lenient upstream parser gains nothing. */
export function rawBodyTarget(body: string): InspectionTarget {
  return { name: 'body', value: body, plusAsSpace: false };
}
