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

/** Index just past the JSON string token that starts (with its quote) at `start`. */
function stringTokenEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text.charCodeAt(i) !== 34 /* " */) i += text.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
  return i + 1;
}

interface OpenContainer {
  readonly isObject: boolean;
  readonly path: string;
  /** Array: index of the current item. */
  index: number;
  /** Object: the current member's key, undefined while the next string is a key. */
  key: string | undefined;
}

/**
 * Keys and string values of a JSON text (valid: JSON.parse accepted it), walked token by token
 * so that every member of an object is seen, duplicate keys included (JSON.parse keeps only the
 * last one, while other parsers upstream may keep the first). Numbers, booleans and null carry
 * no injection and are skipped. Containers at `maxDepth` and strings past `maxTargets` are not
 * inspected (reported through `truncated`).
 */
export function jsonTargets(text: string, limits: JsonWalkLimits): BodyTargets {
  const targets: InspectionTarget[] = [];
  const open: OpenContainer[] = [];
  let truncated = false;
  /** Nesting inside a container too deep to walk (0: walking). */
  let skipped = 0;
  const valuePath = (): string => {
    const parent = open[open.length - 1];
    if (parent === undefined) return '$';
    return parent.isObject ? childPath(parent.path, parent.key ?? '') : childPath(parent.path, parent.index);
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringTokenEnd(text, i);
      if (skipped === 0) {
        if (targets.length >= limits.maxTargets) {
          truncated = true;
          break;
        }
        const value = JSON.parse(text.slice(i, end)) as string;
        const parent = open[open.length - 1];
        if (parent !== undefined && parent.isObject && parent.key === undefined) {
          targets.push({ name: `json-key:${parent.path}`, value, plusAsSpace: false });
          parent.key = value;
        } else {
          targets.push({ name: `json:${valuePath()}`, value, plusAsSpace: false });
        }
      }
      i = end;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (skipped > 0) skipped++;
      else if (open.length + 1 >= limits.maxDepth) {
        truncated = true;
        skipped = 1;
      } else {
        open.push({ isObject: c === 123, path: valuePath(), index: 0, key: undefined });
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (skipped > 0) skipped--;
      else open.pop();
    } else if (c === 44 /* , */ && skipped === 0) {
      const parent = open[open.length - 1];
      if (parent !== undefined) {
        if (parent.isObject) parent.key = undefined;
        else parent.index++;
      }
    }
    i++;
  }
  return { targets, truncated };
}

/** A body that is not valid JSON is inspected as one text, so a lenient upstream parser gains nothing. */
export function rawBodyTarget(body: string): InspectionTarget {
  return { name: 'body', value: body, plusAsSpace: false };
}
