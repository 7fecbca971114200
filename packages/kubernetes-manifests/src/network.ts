// Who may reach whom under a set of NetworkPolicies, by the rules of the NetworkPolicy API: a pod
// selected by no policy of a direction is open in it; a selected one accepts only what one of its
// policies' rules allows; traffic passes when the sender's egress and the receiver's ingress both
// allow it. Endpoints outside the rendered namespace have no policies here (they are open).
import type { KubeObject } from './render.js';
import { selects, type LabelSelector } from './selectors.js';

export interface Endpoint {
  name: string;
  /** Undefined for an address outside the cluster. */
  namespace?: string;
  labels: Record<string, string>;
  ip: string;
  /** Named container ports, for policies that name them. */
  namedPorts?: Record<string, number>;
}

export type Protocol = 'TCP' | 'UDP';

interface PolicyPort {
  protocol?: Protocol;
  port?: number | string;
  endPort?: number;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}

interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

interface Policy {
  namespace: string;
  spec: NetworkPolicySpec;
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((total, part) => total * 256 + Number(part), 0);
}

/** IPv4 only: every address of these manifests and their tests is IPv4. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (ip.includes(':') || base!.includes(':')) throw new Error(`IPv6 is not modelled: ${ip} in ${cidr}`);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4ToNumber(ip) / size) === Math.floor(ipv4ToNumber(base!) / size);
}

const namespaceLabels = (namespace: string): Record<string, string> => ({ 'kubernetes.io/metadata.name': namespace });

function peerMatches(peer: PolicyPeer, policyNamespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) return inCidr(endpoint.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((cidr) => inCidr(endpoint.ip, cidr));
  if (endpoint.namespace === undefined) return false;
  const namespaceOk = peer.namespaceSelector === undefined ? endpoint.namespace === policyNamespace : selects(peer.namespaceSelector, namespaceLabels(endpoint.namespace));
  const podOk = peer.podSelector === undefined ? true : selects(peer.podSelector, endpoint.labels);
  return namespaceOk && podOk;
}

function portMatches(ports: PolicyPort[] | undefined, port: number, protocol: Protocol, target: Endpoint): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((rule) => {
    if ((rule.protocol ?? 'TCP') !== protocol) return false;
    if (rule.port === undefined) return true;
    const number = typeof rule.port === 'number' ? rule.port : target.namedPorts?.[rule.port];
    if (number === undefined) return false;
    return rule.endPort === undefined ? port === number : port >= number && port <= rule.endPort;
  });
}

function types(spec: NetworkPolicySpec): string[] {
  return spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

export class NetworkModel {
  readonly #policies: Policy[];

  constructor(objects: KubeObject[], defaultNamespace = 'default') {
    this.#policies = objects
      .filter((object) => object.kind === 'NetworkPolicy')
      .map((object) => ({ namespace: object.metadata.namespace ?? defaultNamespace, spec: object['spec'] as NetworkPolicySpec }));
  }

  #policiesOf(endpoint: Endpoint, direction: 'Ingress' | 'Egress'): Policy[] {
    return this.#policies.filter((policy) => policy.namespace === endpoint.namespace && selects(policy.spec.podSelector, endpoint.labels) && types(policy.spec).includes(direction));
  }

  #egressAllows(from: Endpoint, to: Endpoint, port: number, protocol: Protocol): boolean {
    const policies = this.#policiesOf(from, 'Egress');
    if (policies.length === 0) return true;
    return policies.some((policy) =>
      (policy.spec.egress ?? []).some((rule) => (rule.to === undefined || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, policy.namespace, to))) && portMatches(rule.ports, port, protocol, to)),
    );
  }

  #ingressAllows(from: Endpoint, to: Endpoint, port: number, protocol: Protocol): boolean {
    const policies = this.#policiesOf(to, 'Ingress');
    if (policies.length === 0) return true;
    return policies.some((policy) =>
      (policy.spec.ingress ?? []).some(
        (rule) => (rule.from === undefined || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, policy.namespace, from))) && portMatches(rule.ports, port, protocol, to),
      ),
    );
  }

  /** Whether a connection from `from` to `to` on `port` is allowed. */
  allows(from: Endpoint, to: Endpoint, port: number, protocol: Protocol = 'TCP'): boolean {
    return this.#egressAllows(from, to, port, protocol) && this.#ingressAllows(from, to, port, protocol);
  }
}
