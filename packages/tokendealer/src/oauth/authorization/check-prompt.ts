import { InvalidRequest } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

export type Prompt = 'none' | 'login' | 'consent';
const PROMPTS = new Set<string>(['none', 'login', 'consent']);
/** A year: anything longer means "any session will do" anyway. */
const MAX_MAX_AGE = 31_536_000;

/** OpenID Connect Core section 3.1.2.1: prompt (none alone, or login and consent) and max_age in seconds. */
export function checkPrompt(params: AuthorizationParameters): { prompt: Prompt[]; maxAge: number | undefined } {
  const raw = params.get('prompt');
  const prompt = raw === undefined ? [] : [...new Set(raw.split(' '))];
  if (prompt.some((value) => !PROMPTS.has(value))) throw new InvalidRequest('prompt must be none, login or consent');
  if (prompt.includes('none') && prompt.length > 1) throw new InvalidRequest('prompt=none cannot be combined with other values');
  const rawMaxAge = params.get('max_age');
  if (rawMaxAge !== undefined && (!/^\d{1,10}$/.test(rawMaxAge) || Number(rawMaxAge) > MAX_MAX_AGE)) {
    throw new InvalidRequest('max_age must be a number of seconds');
  }
  return { prompt: prompt as Prompt[], maxAge: rawMaxAge === undefined ? undefined : Number(rawMaxAge) };
}
