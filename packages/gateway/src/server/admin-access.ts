// Who may reach the gateway's own endpoints (healthz, metrics): the global IP rules apply to
// them as to any route, and `adminAllow` (loopback by default) narrows them further.
import { IP_RULES } from '../waf/firewall.js';
import type { Runtime } from './runtime.js';

export const ADMIN_NOT_ALLOWED = Object.freeze({ id: 910120, status: 403, message: 'Client address may not reach the gateway endpoints' });

export interface AdminRefusal {
  readonly id: number;
  readonly status: number;
  readonly message: string;
}

/** Why `client` may not reach the admin endpoints, or undefined when it may. */
export function adminRefusal(runtime: Runtime, client: string): AdminRefusal | undefined {
  const decision = runtime.ipRules.decide(client);
  if (decision === 'deny') return IP_RULES.denied;
  if (decision === 'not-allowed') return IP_RULES.notAllowed;
  if (!runtime.adminAllow.matches(client)) return ADMIN_NOT_ALLOWED;
  return undefined;
}
