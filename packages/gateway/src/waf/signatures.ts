// Signature matching with CRS-style anomaly scoring: every rule that matches anywhere in the
// request adds its severity's points once (a rule matching in ten arguments is still one finding,
// so long ordinary texts do not add up to a block), and the request is refused when the total
// reaches the threshold.

import { normalizeForSignatures } from './normalize.js';
import { SEVERITY_SCORE, SIGNATURE_RULES, type Severity, type SignatureFamily, type SignatureRule } from './signature-rules.js';

/** One value to inspect, named like a CRS variable ("path", "query:q", "query-name", "json:$.a"). */
export interface InspectionTarget {
  readonly name: string;
  readonly value: string;
  /** True for query strings and form bodies, where '+' encodes a space. */
  readonly plusAsSpace: boolean;
}

export interface SignatureMatch {
  readonly ruleId: number;
  readonly family: SignatureFamily;
  readonly severity: Severity;
  readonly score: number;
  readonly description: string;
  readonly target: string;
  /** The matched text of the normalized value, cut to 80 characters (for logs). */
  readonly matched: string;
}

export interface SignatureScore {
  /** Sum of the points of the distinct rules that matched. */
  score: number;
  /** Matches, strongest first, one per rule (the first target it matched in). */
  matches: SignatureMatch[];
}

const MAX_TARGET_NAME = 100;
const MAX_MATCHED_TEXT = 80;

function toMatch(rule: SignatureRule, target: string, matched: string): SignatureMatch {
  return {
    ruleId: rule.id,
    family: rule.family,
    severity: rule.severity,
    score: SEVERITY_SCORE[rule.severity],
    description: rule.description,
    target: target.length > MAX_TARGET_NAME ? target.slice(0, MAX_TARGET_NAME) : target,
    matched: matched.length > MAX_MATCHED_TEXT ? matched.slice(0, MAX_MATCHED_TEXT) : matched,
  };
}

function containsAny(text: string, hints: readonly string[]): boolean {
  for (const hint of hints) if (text.includes(hint)) return true;
  return false;
}

// One pass over the value for all hints of all rules: most values contain none and skip every rule.
const ANY_HINT = new RegExp(
  [...new Set(SIGNATURE_RULES.flatMap((rule) => rule.hints))].map((hint) => hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
);

const NO_RULES: ReadonlySet<number> = new Set();

/** The rules matching one target, in rule order; rules in `skip` are not evaluated. */
export function matchTarget(target: InspectionTarget, skip: ReadonlySet<number> = NO_RULES): SignatureMatch[] {
  if (target.value === '') return [];
  const normalized = normalizeForSignatures(target.value, target.plusAsSpace);
  if (!ANY_HINT.test(normalized)) return [];
  const found: SignatureMatch[] = [];
  for (const rule of SIGNATURE_RULES) {
    if (skip.has(rule.id) || !containsAny(normalized, rule.hints)) continue;
    const matched = rule.find(normalized);
    if (matched !== null) found.push(toMatch(rule, target.name, matched));
  }
  return found;
}

/**
 * Scores a request's targets. `skipRules` holds the rules that already matched in an earlier part
 * of the same request (the URL, before the body), so that each rule counts once per request.
 */
export function scoreTargets(targets: Iterable<InspectionTarget>, skipRules: ReadonlySet<number> = NO_RULES): SignatureScore {
  const byRule = new Map<number, SignatureMatch>();
  const skip = new Set(skipRules);
  for (const target of targets) {
    if (skip.size === SIGNATURE_RULES.length) break;
    for (const match of matchTarget(target, skip)) {
      byRule.set(match.ruleId, match);
      skip.add(match.ruleId);
    }
  }
  const matches = [...byRule.values()].sort(strongestFirst);
  const score = matches.reduce((sum, match) => sum + match.score, 0);
  return { score, matches };
}

/** Orders findings by score, then rule id, so the first one names the request's strongest finding. */
export function strongestFirst(a: { score: number; ruleId: number }, b: { score: number; ruleId: number }): number {
  return b.score - a.score || a.ruleId - b.ruleId;
}
