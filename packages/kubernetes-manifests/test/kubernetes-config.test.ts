// The manifests hang together: the URLs name the Services, the gateway's file passes the
// gateway's own check and trusts the overlay's issuer, the Ingress serves the public hosts, and the
// committed secret examples hold no real value. (Each service's own configuration code reads its
// environment in kubernetes-service-config.test.ts.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { KUBERNETES_DIR, deployments, ofKind, renderOverlays, spec, valueOf, type KubeObject } from '../src/index.js';

const REPO = join(KUBERNETES_DIR, '..', '..');

function named(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `${kind} ${name}`);
  return found;
}

for (const [overlay, objects] of renderOverlays()) {
  describe(`kubernetes configuration: ${overlay}`, () => {
    const services = deployments(objects);
    const servicePorts = new Map(ofKind(objects, 'Service').map((service) => [service.metadata.name, spec<{ ports: { port: number }[] }>(service).ports[0]!.port]));
    const publicConfig = ofKind(objects, 'ConfigMap').find((map) => map.metadata.name.startsWith('runnerly-public'))!;
    const publicValue = (key: string): string => valueOf(publicConfig, key)!;

    it('points the service URLs at Services, on their ports', () => {
      for (const workload of services) {
        for (const variable of workload.template.spec.containers[0]!.env ?? []) {
          if (!/^(DATASERVICE|PLANS|REPORTS|STRAVA)_URL$/.test(variable.name)) continue;
          const url = new URL(variable.value!);
          assert.equal(url.protocol, 'http:');
          assert.equal(servicePorts.get(url.hostname), Number(url.port), `${workload.name}: ${variable.name}=${variable.value}`);
          assert.equal(url.hostname, variable.name.replace(/_URL$/, '').toLowerCase());
        }
      }
    });

    it('gives the gateway a configuration file that passes its own check, routes to Services and trusts the overlay\'s issuer', () => {
      const config = ofKind(objects, 'ConfigMap').find((map) => map.metadata.name.startsWith('gateway-config'))!;
      const text = valueOf(config, 'gateway.yaml')!;
      const dir = mkdtempSync(join(tmpdir(), 'runnerly-gateway-config-'));
      try {
        writeFileSync(join(dir, 'gateway.yaml'), text);
        const check = spawnSync(process.execPath, [join(REPO, 'packages/gateway/bin/runnerly-gateway.js'), '--config', join(dir, 'gateway.yaml'), '--check'], { encoding: 'utf8' });
        assert.equal(check.status, 0, check.stderr);
        assert.match(check.stdout, /is valid: 6 route\(s\)/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const gateway = parse(text) as { listen: { host: string; port: number }; routes: { prefix: string; upstream: string[]; auth?: { issuer: string; audience: string } }[] };
      const container = services.find((workload) => workload.name === 'gateway')!.template.spec.containers[0]!;
      assert.deepEqual(gateway.listen, { host: '0.0.0.0', port: container.ports![0]!.containerPort });
      for (const route of gateway.routes) {
        for (const upstream of route.upstream) assert.equal(servicePorts.get(new URL(upstream).hostname), Number(new URL(upstream).port), upstream);
        if (route.prefix.startsWith('/api/')) assert.deepEqual(route.auth && [route.auth.issuer, route.auth.audience], [publicValue('TOKENDEALER_ISSUER'), publicValue('PUBLIC_API_AUDIENCE')], route.prefix);
      }
      assert.equal(publicValue('PUBLIC_API_AUDIENCE'), `${publicValue('PUBLIC_URL')}/api`);
    });

    it('serves the public URL and the issuer at the Ingress\'s hosts', () => {
      const rules = spec<{ rules: { host: string; http: { paths: { backend: { service: { name: string } } }[] } }[] }>(named(objects, 'Ingress', 'runnerly')).rules;
      const hosts = Object.fromEntries(rules.map((rule) => [rule.http.paths[0]!.backend.service.name, rule.host]));
      assert.deepEqual(hosts, { gateway: new URL(publicValue('PUBLIC_URL')).host, tokendealer: new URL(publicValue('TOKENDEALER_ISSUER')).host });
    });
  });
}

describe('kubernetes secrets: the committed examples', () => {
  const dir = join(KUBERNETES_DIR, 'base', 'secrets');
  const examples = readdirSync(dir).filter((name) => name.endsWith('.env.example'));

  it('has an example for every generated Secret', () => {
    const generated = (parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { secretGenerator: { envs: string[] }[] }).secretGenerator.flatMap((secret) => secret.envs);
    assert.deepEqual(generated.map((file) => `${file}.example`).sort(), [...examples].sort());
  });

  it('holds no real secret: every credential is empty or REPLACE_ME', () => {
    for (const file of examples) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n').filter((text) => text !== '' && !text.startsWith('#'))) {
        const [name, ...rest] = line.split('=');
        const value = rest.join('=');
        if (/(SECRET|KEY|_ID|TOKEN)$/.test(name!)) assert.ok(value === '' || value === 'REPLACE_ME', `${file}: ${name}`);
        if (/_DB$/.test(name!)) assert.match(value, /^postgres:\/\/\w+:REPLACE_ME@/, `${file}: ${name}`);
        if (/URL$/.test(name!)) assert.ok(value === '' || !new URL(value).password, `${file}: ${name} has a password`);
      }
    }
  });
});
