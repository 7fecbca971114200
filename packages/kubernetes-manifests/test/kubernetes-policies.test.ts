// Runnerly's rules for what runs in the cluster, checked on every rendered overlay: probes,
// resources and a locked-down securityContext on every container, a disruption budget for every
// Deployment, autoscalers for the gateway and TokenDealer, selectors that select, references that
// resolve, and a migrations Job that runs the services' own images as they run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containersOf, deployments, keysOf, ofKind, references, renderOverlays, selects, spec, workloads, type Container, type KubeObject, type LabelSelector, type Workload } from '../src/index.js';

const SERVICES = ['dashboard', 'dataservice', 'gateway', 'plans', 'reports', 'strava', 'tokendealer'];
const UID = 10001;

const LOCKED_DOWN_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
const LOCKED_DOWN_POD = { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } };

function findObject(objects: KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

/** The port a probe or Service names, resolved against the container's ports. */
function containerPort(container: Container, port: number | string): number | undefined {
  return typeof port === 'number' ? container.ports?.find((entry) => entry.containerPort === port)?.containerPort : container.ports?.find((entry) => entry.name === port)?.containerPort;
}

for (const [overlay, objects] of renderOverlays()) {
  describe(`kubernetes policies: ${overlay}`, () => {
    const all = workloads(objects);
    const services = deployments(objects);

    it('runs one Deployment per service, each with its own runnerly/<service> image and a pinned tag', () => {
      assert.deepEqual(services.map((workload) => workload.name).sort(), SERVICES);
      for (const workload of services) {
        const [container, ...others] = workload.template.spec.containers;
        assert.equal(others.length, 0, workload.name);
        assert.match(container!.image, new RegExp(`^runnerly/${workload.name}:(?!latest$)[\\w.-]+$`), workload.name);
      }
    });

    it('gives every Deployment container startup, liveness (/healthz) and readiness (/readyz) probes on a port it serves', () => {
      for (const workload of services) {
        for (const container of containersOf(workload)) {
          // The gateway answers only its own /_gateway/healthz; it has no dependency to be ready for.
          const [live, ready] = workload.name === 'gateway' ? ['/_gateway/healthz', '/_gateway/healthz'] : ['/healthz', '/readyz'];
          const probes = { startup: container.startupProbe?.httpGet, liveness: container.livenessProbe?.httpGet, readiness: container.readinessProbe?.httpGet };
          assert.deepEqual({ startup: probes.startup?.path, liveness: probes.liveness?.path, readiness: probes.readiness?.path }, { startup: live, liveness: live, readiness: ready }, workload.name);
          for (const probe of Object.values(probes)) assert.notEqual(containerPort(container, probe!.port), undefined, `${workload.name}: probe port ${probe!.port}`);
        }
      }
    });

    it('admits only pods that meet the "restricted" Pod Security Standard in the namespace', () => {
      const namespaces = ofKind(objects, 'Namespace');
      assert.deepEqual(namespaces.map((namespace) => [namespace.metadata.name, namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']]), [['runnerly', 'restricted']]);
    });

    it('gives every container (Deployments and the Job) CPU and memory requests and limits', () => {
      for (const workload of all) {
        for (const container of containersOf(workload)) {
          const { requests = {}, limits = {} } = container.resources ?? {};
          assert.deepEqual([Object.keys(requests).sort(), Object.keys(limits).sort()], [['cpu', 'memory'], ['cpu', 'memory']], `${workload.name}/${container.name}`);
        }
      }
    });

    it('runs every container as uid 10001, read-only, without privileges, capabilities or an unconfined seccomp profile', () => {
      for (const workload of all) {
        assert.deepEqual(workload.template.spec.securityContext, LOCKED_DOWN_POD, workload.name);
        assert.equal(workload.template.spec.automountServiceAccountToken, false, workload.name);
        for (const container of containersOf(workload)) assert.deepEqual(container.securityContext, LOCKED_DOWN_CONTAINER, `${workload.name}/${container.name}`);
      }
    });

    it('mounts a writable emptyDir on /tmp in every container, the root filesystem being read-only', () => {
      for (const workload of all) {
        const emptyDirs = new Set((workload.template.spec.volumes ?? []).filter((volume) => volume.emptyDir !== undefined).map((volume) => volume.name));
        for (const container of containersOf(workload)) {
          const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
          assert.ok(tmp && emptyDirs.has(tmp.name) && tmp.readOnly !== true, `${workload.name}/${container.name}`);
        }
      }
    });

    it('gives every Deployment a grace period longer than the services\' stop deadline', () => {
      for (const workload of services) {
        const deadline = Number(workload.template.spec.containers[0]!.env?.find((variable) => variable.name === 'STOP_DEADLINE_MS')?.value);
        assert.ok(deadline > 0 && (workload.template.spec.terminationGracePeriodSeconds ?? 30) * 1000 >= deadline + 5000, workload.name);
      }
    });

    it('lets every pod that leaves migrating to the Job wait for it (SCHEMA_WAIT_MS) within its startup probe, with two minutes to spare for the start itself', () => {
      for (const workload of services.filter((candidate) => candidate.name !== 'gateway')) {
        const container = workload.template.spec.containers[0]!;
        const value = (name: string) => container.env?.find((variable) => variable.name === name)?.value;
        assert.equal(value(`${workload.name.toUpperCase()}_MIGRATE_ON_START`), 'false', workload.name);
        const waitMs = Number(value('SCHEMA_WAIT_MS'));
        assert.ok(waitMs >= 60_000, `${workload.name}: SCHEMA_WAIT_MS ${value('SCHEMA_WAIT_MS')}`);
        const probe = container.startupProbe!;
        const budgetMs = (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3) * 1000;
        assert.ok(budgetMs >= waitMs + 120_000, `${workload.name}: startup probe ${budgetMs} ms for a wait of ${waitMs} ms`);
      }
    });

    it('selects each Deployment\'s own pods: its selector matches its template and no other Deployment\'s', () => {
      for (const workload of services) {
        assert.ok(selects(workload.selector, workload.template.metadata.labels), workload.name);
        for (const other of services.filter((candidate) => candidate !== workload)) assert.ok(!selects(workload.selector, other.template.metadata.labels), `${workload.name} selects ${other.name}`);
      }
    });

    it('covers every Deployment with a PodDisruptionBudget that still lets one pod go', () => {
      const budgets = ofKind(objects, 'PodDisruptionBudget');
      const autoscalers = ofKind(objects, 'HorizontalPodAutoscaler');
      for (const workload of services) {
        const covering = budgets.filter((budget) => selects(spec<{ selector: LabelSelector }>(budget).selector, workload.template.metadata.labels));
        assert.equal(covering.length, 1, workload.name);
        const budget = spec<{ minAvailable?: number; maxUnavailable?: number }>(covering[0]!);
        const autoscaler = autoscalers.find((hpa) => spec<{ scaleTargetRef: { name: string } }>(hpa).scaleTargetRef.name === workload.name);
        const fewestPods = autoscaler ? spec<{ minReplicas: number }>(autoscaler).minReplicas : workload.replicas;
        const mayGo = budget.maxUnavailable ?? fewestPods - budget.minAvailable!;
        assert.ok(mayGo >= 1, `${workload.name}: a drain would hang (${JSON.stringify(budget)} with ${fewestPods} pods)`);
      }
    });

    it('scales the gateway and TokenDealer (and only they) on CPU, their Deployments leaving the count to the autoscaler', () => {
      const autoscalers = ofKind(objects, 'HorizontalPodAutoscaler').map((hpa) => ({ name: hpa.metadata.name, spec: spec<{ scaleTargetRef: { apiVersion: string; kind: string; name: string }; minReplicas: number; maxReplicas: number; metrics: { resource?: { name: string } }[] }>(hpa) }));
      assert.deepEqual(autoscalers.map((hpa) => hpa.spec.scaleTargetRef.name).sort(), ['gateway', 'tokendealer']);
      for (const hpa of autoscalers) {
        const target = services.find((workload) => workload.name === hpa.spec.scaleTargetRef.name)!;
        assert.deepEqual([hpa.spec.scaleTargetRef.apiVersion, hpa.spec.scaleTargetRef.kind], ['apps/v1', 'Deployment']);
        assert.equal(spec<{ replicas?: number }>(target.object).replicas, undefined, `${hpa.name}: kubectl apply would reset the autoscaler's count`);
        assert.ok(hpa.spec.minReplicas >= 1 && hpa.spec.maxReplicas > hpa.spec.minReplicas, hpa.name);
        assert.deepEqual(hpa.spec.metrics.map((metric) => metric.resource?.name), ['cpu']);
      }
      if (overlay === 'production') for (const hpa of autoscalers) assert.ok(hpa.spec.minReplicas >= 2, `${hpa.name} keeps two pods in production`);
    });

    it('runs two pods or more of every service in production (one each locally)', () => {
      const autoscaled = new Map(ofKind(objects, 'HorizontalPodAutoscaler').map((hpa) => [spec<{ scaleTargetRef: { name: string } }>(hpa).scaleTargetRef.name, spec<{ minReplicas: number }>(hpa).minReplicas]));
      const fewest = Object.fromEntries(services.map((workload) => [workload.name, autoscaled.get(workload.name) ?? workload.replicas]));
      assert.deepEqual(fewest, Object.fromEntries(SERVICES.map((name) => [name, overlay === 'production' ? 2 : 1])));
    });

    it('resolves every Secret and ConfigMap reference, key included', () => {
      for (const workload of all) {
        for (const reference of references(workload)) {
          const target = findObject(objects, reference.kind, reference.name);
          assert.ok(target, `${workload.name}: ${reference.kind} ${reference.name} does not exist`);
          if (reference.key !== undefined) assert.ok(keysOf(target).includes(reference.key), `${workload.name}: ${reference.kind} ${reference.name} has no key ${reference.key}`);
        }
      }
    });

    it('points every Service at the pods of one Deployment, on a port their container serves', () => {
      for (const service of ofKind(objects, 'Service')) {
        const body = spec<{ selector: Record<string, string>; ports: { port: number; targetPort: number | string }[] }>(service);
        const targets = services.filter((workload) => selects({ matchLabels: body.selector }, workload.template.metadata.labels));
        assert.deepEqual(targets.map((workload) => workload.name), [service.metadata.name]);
        for (const port of body.ports) assert.notEqual(containerPort(targets[0]!.template.spec.containers[0]!, port.targetPort), undefined, `${service.metadata.name}:${port.port}`);
      }
    });

    it('routes the Ingress to existing Services and ports: the gateway and TokenDealer only', () => {
      const [ingress, ...others] = ofKind(objects, 'Ingress');
      assert.equal(others.length, 0);
      const body = spec<{ rules: { host: string; http: { paths: { backend: { service: { name: string; port: { name?: string; number?: number } } } }[] } }[]; tls?: { secretName: string }[] }>(ingress!);
      const backends = body.rules.flatMap((rule) => rule.http.paths.map((path) => path.backend.service));
      assert.deepEqual(backends.map((backend) => backend.name).sort(), ['gateway', 'tokendealer']);
      for (const backend of backends) {
        const ports = spec<{ ports: { name: string; port: number }[] }>(findObject(objects, 'Service', backend.name)!).ports;
        assert.ok(ports.some((port) => port.name === backend.port.name || port.port === backend.port.number), backend.name);
      }
      // A TLS Secret is either rendered or kept by cert-manager, which the annotation asks for.
      for (const tls of body.tls ?? []) assert.ok(findObject(objects, 'Secret', tls.secretName) || ingress!.metadata.annotations?.['cert-manager.io/cluster-issuer'], tls.secretName);
    });

    it('runs the migrations Job with each service\'s image, database secret and locked-down context', () => {
      const jobs = all.filter((workload) => workload.kind === 'Job');
      assert.deepEqual(jobs.map((job) => job.name), ['migrations']);
      const job: Workload = jobs[0]!;
      const migrating = job.template.spec.containers;
      assert.deepEqual(migrating.map((container) => container.name).sort(), SERVICES.filter((name) => name !== 'gateway'));
      for (const container of migrating) {
        const service = services.find((workload) => workload.name === container.name)!.template.spec.containers[0]!;
        assert.equal(container.image, service.image);
        assert.deepEqual(container.securityContext, service.securityContext);
        assert.equal(container.args?.at(-1), 'migrate');
        const database = container.env?.find((variable) => variable.name.endsWith('_DB'));
        assert.deepEqual(database?.valueFrom, service.env?.find((variable) => variable.name === database?.name)?.valueFrom, container.name);
      }
      assert.deepEqual(job.template.spec.securityContext, services[0]!.template.spec.securityContext);
    });
  });
}
