// The request firewall: IP rules, protocol checks and signature scoring (see README.md).
export {
  bodyBufferLimit,
  bodyTooLarge,
  compileFirewallConfig,
  DEFAULT_FIREWALL_OPTIONS,
  FirewallConfigError,
  firewallLogFields,
  inspectBody,
  inspectRequest,
  IP_RULES,
  shouldInspectBody,
  type EarlierFindings,
  type FirewallConfig,
  type FirewallMatch,
  type FirewallMode,
  type FirewallOptions,
  type FirewallVerdict,
  type PassVerdict,
  type RefusalVerdict,
} from './firewall.js';
export {
  CidrMatcher,
  clientAddress,
  clientKeyForAddress,
  compileIpRules,
  InvalidCidrError,
  IpRules,
  isTrustedProxy,
  type IpDecision,
  type IpRulesOptions,
} from './ip-rules.js';
export { formatIpAddress, parseIpAddress, type IpAddress } from './ip-address.js';
export {
  checkProtocol,
  DEFAULT_PROTOCOL_LIMITS,
  PROTOCOL_RULES,
  type ProtocolCheckResult,
  type ProtocolLimits,
  type ProtocolRefusal,
  type RefusalStatus,
  type RequestView,
} from './protocol-checks.js';
export { SEVERITY_SCORE, SIGNATURE_RULES, type Severity, type SignatureFamily, type SignatureRule } from './signature-rules.js';
export { matchTarget, scoreTargets, type InspectionTarget, type SignatureMatch, type SignatureScore } from './signatures.js';
