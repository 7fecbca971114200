// Each overlay renders with `kubectl kustomize` and every object it yields is valid against the
// Kubernetes API's schemas.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OVERLAYS, kubectlVersion, renderOverlays, schemaErrors, type KubeObject } from '../src/index.js';

describe('kubernetes manifests: rendering and schemas', () => {
  it('finds kubectl (it renders the overlays)', () => {
    assert.match(kubectlVersion(), /^v1\.\d+\.\d+/);
  });

  const rendered = renderOverlays();

  it('has the production and local overlays', () => {
    assert.deepEqual(OVERLAYS, ['local', 'production']);
  });

  for (const [overlay, objects] of rendered) {
    it(`${overlay}: renders every kind of object the system needs`, () => {
      const count = (kind: string) => objects.filter((object) => object.kind === kind).length;
      assert.deepEqual(
        { Namespace: count('Namespace'), Deployment: count('Deployment'), Service: count('Service'), PodDisruptionBudget: count('PodDisruptionBudget'), HorizontalPodAutoscaler: count('HorizontalPodAutoscaler'), Job: count('Job'), Ingress: count('Ingress'), Secret: count('Secret'), ConfigMap: count('ConfigMap'), NetworkPolicy: count('NetworkPolicy') },
        { Namespace: 1, Deployment: 7, Service: 7, PodDisruptionBudget: 7, HorizontalPodAutoscaler: 2, Job: 1, Ingress: 1, Secret: 6, ConfigMap: 2, NetworkPolicy: 10 },
      );
      assert.equal(objects.length, 44);
    });

    it(`${overlay}: every object is valid against the Kubernetes schemas`, () => {
      const invalid = objects.map((object) => ({ object: `${object.kind}/${object.metadata.name}`, errors: schemaErrors(object) })).filter((entry) => entry.errors.length > 0);
      assert.deepEqual(invalid, []);
    });

    it(`${overlay}: puts every namespaced object in the runnerly namespace`, () => {
      const elsewhere = objects.filter((object) => object.kind !== 'Namespace' && object.metadata.namespace !== 'runnerly').map((object) => `${object.kind}/${object.metadata.name}`);
      assert.deepEqual(elsewhere, []);
    });
  }

  it('the schema check refuses a broken object (so it can fail)', () => {
    const deployment = rendered.get('production')!.find((object) => object.kind === 'Deployment')!;
    const broken = structuredClone(deployment) as KubeObject & { spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = 'http';
    assert.deepEqual(schemaErrors(broken), ['data/spec/template/spec/containers/0/ports/0/containerPort must be integer']);
    assert.deepEqual(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), ['no schema for example.com/v1 Widget']);
  });
});
