// Who can reach whom, computed from the rendered NetworkPolicies by the rules of the
// NetworkPolicy API: only the ingress controller reaches the gateway (and TokenDealer, its own
// origin), and each service reaches exactly what it calls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NetworkModel, deployments, renderOverlays, workloads, type Endpoint, type KubeObject, type Protocol } from '../src/index.js';

/** Service ports, as the Services publish them. */
const PORTS: Record<string, number> = { tokendealer: 5001, gateway: 8080, dashboard: 5000, dataservice: 5002, strava: 5003, reports: 5004, plans: 5005 };

/** Who calls each service (from the code: the launcher's environment and each service's clients). */
const CALLERS: Record<string, string[]> = {
  tokendealer: ['ingress-controller', 'gateway', 'dashboard', 'dataservice', 'strava', 'plans', 'reports'],
  gateway: ['ingress-controller'],
  dashboard: ['gateway'],
  dataservice: ['gateway', 'dashboard', 'strava', 'plans', 'reports'],
  strava: ['gateway', 'dashboard'],
  plans: ['gateway', 'dashboard', 'reports'],
  reports: ['gateway', 'dashboard'],
};

/** Destinations outside the namespace, and who may reach them. */
const OUTSIDE: { to: string; port: number; protocol?: Protocol; from: string[] }[] = [
  { to: 'postgresql', port: 5432, from: ['dashboard', 'dataservice', 'migrations', 'plans', 'reports', 'strava', 'tokendealer'] },
  { to: 'redis', port: 6379, from: ['gateway', 'strava'] },
  { to: 'kube-dns', port: 53, protocol: 'UDP', from: ['dashboard', 'dataservice', 'gateway', 'migrations', 'plans', 'reports', 'strava', 'tokendealer'] },
  { to: 'kube-dns', port: 53, from: ['dashboard', 'dataservice', 'gateway', 'migrations', 'plans', 'reports', 'strava', 'tokendealer'] },
  // The issuer URL is TokenDealer's public origin, answered inside the cluster by the ingress controller.
  { to: 'ingress-controller', port: 443, from: ['dashboard', 'dataservice', 'gateway', 'plans', 'reports', 'strava'] },
  { to: 'internet', port: 443, from: ['strava'] },
  { to: 'internet', port: 587, from: ['reports', 'tokendealer'] },
  { to: 'internet', port: 80, from: [] },
  { to: 'other-namespace-pod', port: 8080, from: [] },
];

function endpointsOf(objects: KubeObject[]): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  workloads(objects).forEach((workload, index) => {
    const namedPorts = Object.fromEntries((workload.template.spec.containers[0]!.ports ?? []).map((port) => [port.name, port.containerPort]));
    endpoints.set(workload.name, { name: workload.name, namespace: workload.object.metadata.namespace!, labels: workload.template.metadata.labels, ip: `10.244.1.${index + 10}`, namedPorts });
  });
  const outside: Endpoint[] = [
    { name: 'ingress-controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }, ip: '10.244.2.5' },
    { name: 'postgresql', namespace: 'runnerly-data', labels: { 'app.kubernetes.io/name': 'postgresql' }, ip: '10.244.3.5' },
    { name: 'redis', namespace: 'runnerly-data', labels: { 'app.kubernetes.io/name': 'redis' }, ip: '10.244.3.6' },
    { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.244.0.10' },
    { name: 'other-namespace-pod', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'gateway' }, ip: '10.244.4.5' },
    { name: 'node', labels: {}, ip: '10.0.0.4' },
    { name: 'internet', labels: {}, ip: '203.0.113.10' },
  ];
  for (const endpoint of outside) endpoints.set(endpoint.name, endpoint);
  return endpoints;
}

for (const [overlay, objects] of renderOverlays()) {
  describe(`kubernetes network policies: ${overlay}`, () => {
    const network = new NetworkModel(objects);
    const endpoints = endpointsOf(objects);
    const everyone = [...endpoints.keys()].sort();

    it('lets each service be reached on its port by exactly its callers', () => {
      for (const service of deployments(objects).map((workload) => workload.name)) {
        const target = endpoints.get(service)!;
        const reaching = everyone.filter((name) => name !== service && network.allows(endpoints.get(name)!, target, PORTS[service]!));
        assert.deepEqual(reaching, [...CALLERS[service]!].sort(), `who reaches ${service}:${PORTS[service]}`);
      }
    });

    it('lets only the gateway and TokenDealer take traffic from outside the namespace, and only from the ingress controller', () => {
      const fromOutside = ['ingress-controller', 'internet', 'node', 'other-namespace-pod', 'postgresql'];
      const reachable = Object.entries(PORTS).flatMap(([service, port]) => fromOutside.filter((source) => network.allows(endpoints.get(source)!, endpoints.get(service)!, port)).map((source) => `${source}->${service}`));
      assert.deepEqual(reachable.sort(), ['ingress-controller->gateway', 'ingress-controller->tokendealer']);
    });

    it('opens no other port of any pod: a service reached on its port is closed on the others', () => {
      const gateway = endpoints.get('gateway')!;
      for (const [service, port] of Object.entries(PORTS)) {
        assert.equal(network.allows(gateway, endpoints.get(service)!, port + 1000), false, `gateway->${service}:${port + 1000}`);
        assert.equal(network.allows(gateway, endpoints.get(service)!, 9229), false, `gateway->${service}:9229 (inspector)`);
      }
    });

    it('keeps services that do not call each other apart (e.g. plans cannot reach strava, reports can reach dataservice and plans)', () => {
      const plans = endpoints.get('plans')!;
      assert.equal(network.allows(plans, endpoints.get('strava')!, 5003), false);
      assert.equal(network.allows(plans, endpoints.get('reports')!, 5004), false);
      assert.equal(network.allows(endpoints.get('reports')!, endpoints.get('dataservice')!, 5002), true);
      assert.equal(network.allows(endpoints.get('reports')!, plans, 5005), true, 'reports read each runner\'s plan');
      assert.equal(network.allows(endpoints.get('strava')!, plans, 5005), false);
      assert.equal(network.allows(endpoints.get('strava')!, endpoints.get('gateway')!, 8080), false);
      assert.equal(network.allows(endpoints.get('migrations')!, endpoints.get('tokendealer')!, 5001), false);
    });

    it('lets each pod reach exactly its destinations outside the namespace (database, Redis, DNS, Strava, SMTP)', () => {
      for (const { to, port, protocol = 'TCP', from } of OUTSIDE) {
        const sources = [...endpoints.values()].filter((endpoint) => endpoint.namespace === 'runnerly').map((endpoint) => endpoint.name);
        const reaching = sources.filter((name) => network.allows(endpoints.get(name)!, endpoints.get(to)!, port, protocol)).sort();
        assert.deepEqual(reaching, [...from].sort(), `who reaches ${to}:${port}/${protocol}`);
      }
    });
  });
}

describe('kubernetes network model (the rules it applies)', () => {
  const policy = (name: string, spec: object): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'a' }, spec });
  const web: Endpoint = { name: 'web', namespace: 'a', labels: { app: 'web' }, ip: '10.1.0.1', namedPorts: { http: 80 } };
  const db: Endpoint = { name: 'db', namespace: 'a', labels: { app: 'db' }, ip: '10.1.0.2' };
  const stranger: Endpoint = { name: 'stranger', namespace: 'b', labels: { app: 'web' }, ip: '10.2.0.1' };

  it('leaves pods that no policy selects open', () => {
    assert.equal(new NetworkModel([]).allows(stranger, db, 5432), true);
  });

  it('closes a selected pod except for what a rule allows, by peer, namespace and port (named ports too)', () => {
    const network = new NetworkModel([
      policy('db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
      policy('web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
    ]);
    assert.equal(network.allows(web, db, 5432), true);
    assert.equal(network.allows(web, db, 5433), false);
    assert.equal(network.allows(web, db, 5432, 'UDP'), false);
    assert.equal(network.allows(stranger, db, 5432), false, 'a podSelector alone means the policy\'s namespace');
    assert.equal(network.allows(stranger, web, 80), true);
    assert.equal(network.allows(stranger, web, 81), false);
  });

  it('requires the sender\'s egress too, and reads ipBlock exceptions', () => {
    const network = new NetworkModel([policy('out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] })]);
    assert.equal(network.allows(web, { name: 'internet', labels: {}, ip: '198.51.100.7' }, 443), true);
    assert.equal(network.allows(web, db, 5432), false);
    assert.equal(network.allows(stranger, db, 5432), true, 'namespace b has no policy');
  });
});
