// Each service's own configuration code reads the environment the manifests give its container
// (with the secret examples' REPLACE_ME filled in as an operator would): it starts from it, on
// all addresses at the container's port, with the overlay's issuer, and no variable is one the
// service does not read.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DASHBOARD_OPTIONS } from '@runnerly/dashboard';
import { dataServiceOptions } from '@runnerly/dataservice';
import { PLANS_OPTIONS } from '@runnerly/plans';
import { REPORTS_OPTIONS } from '@runnerly/reports';
import { resolveOptions, schemaWaitMs, type OptionTable } from '@runnerly/service-config';
import { STRAVA_OPTIONS, resolveStravaConfig } from '@runnerly/strava';
import { OPTIONS as TOKENDEALER_OPTIONS, resolveConfig as resolveTokenDealerConfig } from 'tokendealer';
import { containerEnvironment, deployments, renderOverlays, valueOf, type KubeObject } from '../src/index.js';

/** Read by Node.js and the images rather than by an option table. */
const RUNTIME_VARIABLES = ['NODE_ENV', 'STOP_DEADLINE_MS', 'SCHEMA_WAIT_MS'];

const tableVariables = (table: OptionTable): string[] => Object.values(table).map((option) => option.env);

/** What each service reads, and its configuration from an environment. */
const SERVICES: Record<string, { variables: string[]; resolve: (env: NodeJS.ProcessEnv) => Record<string, unknown> }> = {
  tokendealer: { variables: TOKENDEALER_OPTIONS.map((option) => option.env), resolve: (env) => ({ ...resolveTokenDealerConfig({}, env) }) },
  dashboard: { variables: tableVariables(DASHBOARD_OPTIONS), resolve: (env) => resolveOptions(DASHBOARD_OPTIONS, env) },
  dataservice: { variables: tableVariables(dataServiceOptions), resolve: (env) => resolveOptions(dataServiceOptions, env) },
  plans: { variables: tableVariables(PLANS_OPTIONS), resolve: (env) => resolveOptions(PLANS_OPTIONS, env) },
  reports: { variables: tableVariables(REPORTS_OPTIONS), resolve: (env) => resolveOptions(REPORTS_OPTIONS, env) },
  strava: { variables: tableVariables(STRAVA_OPTIONS), resolve: (env) => ({ ...resolveStravaConfig(env) }) },
};

/** The rendered objects with every REPLACE_ME of the Secrets filled in with a value of the right shape. */
function filledIn(objects: KubeObject[]): KubeObject[] {
  const fill = (key: string): string =>
    key.endsWith('_MASTER_SECRET') ? randomBytes(36).toString('base64') : /_(SESSION|TOKEN)_KEY$/.test(key) ? randomBytes(32).toString('base64') : 'filled-in';
  return objects.map((object) => {
    if (object.kind !== 'Secret') return object;
    const data = Object.fromEntries(Object.keys(object['data'] as object).map((key) => [key, Buffer.from(valueOf(object, key)!.replace('REPLACE_ME', fill(key))).toString('base64')]));
    return { ...object, data };
  });
}

for (const [overlay, rendered] of renderOverlays()) {
  describe(`kubernetes service configuration: ${overlay}`, () => {
    const objects = filledIn(rendered);
    const issuer = valueOf(objects.find((object) => object.metadata.name.startsWith('runnerly-public'))!, 'TOKENDEALER_ISSUER');

    for (const workload of deployments(objects).filter((candidate) => candidate.name !== 'gateway')) {
      const service = SERVICES[workload.name]!;
      const container = workload.template.spec.containers[0]!;

      it(`${workload.name}: sets only variables the service reads`, () => {
        const unread = (container.env ?? []).map((variable) => variable.name).filter((name) => !service.variables.includes(name) && !RUNTIME_VARIABLES.includes(name));
        assert.deepEqual(unread, []);
      });

      it(`${workload.name}: its configuration resolves, listening on all addresses at the container port, trusting the overlay's issuer`, () => {
        const config = service.resolve(containerEnvironment(objects, container));
        const issuerKey = workload.name === 'strava' ? 'tokenDealerIssuer' : 'issuer';
        assert.deepEqual([config['host'], config['port'], config[issuerKey]], ['0.0.0.0', container.ports![0]!.containerPort, issuer]);
        assert.match(String(config['db']), /^postgres:\/\//);
      });

      it(`${workload.name}: its wait for the migrations Job (SCHEMA_WAIT_MS) is one the service accepts`, () => {
        assert.equal(schemaWaitMs(containerEnvironment(objects, container)), 300_000);
      });
    }

    it('tokendealer: the master secret from the Secret passes its length rule; REPLACE_ME itself is refused at start', () => {
      const container = deployments(rendered).find((workload) => workload.name === 'tokendealer')!.template.spec.containers[0]!;
      assert.throws(() => resolveTokenDealerConfig({}, containerEnvironment(rendered, container)), /TOKENDEALER_MASTER_SECRET/);
    });
  });
}
