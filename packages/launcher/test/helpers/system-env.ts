// The environment a test gives `npm start`'s launcher: a free port for every process it runs, its
// own data directory, no demo runner, and none of the developer's settings that would change it.
import { freePort } from '@runnerly/test-support';

export interface SystemPorts {
  RUNNERLY_GATEWAY_PORT: number;
  TOKENDEALER_PORT: number;
  DASHBOARD_PORT: number;
  DATASERVICE_PORT: number;
  STRAVA_PORT: number;
  REPORTS_PORT: number;
  PLANS_PORT: number;
  STRAVA_SANDBOX_PORT: number;
}

export async function freeSystemPorts(): Promise<SystemPorts> {
  return {
    RUNNERLY_GATEWAY_PORT: await freePort(),
    TOKENDEALER_PORT: await freePort(),
    DASHBOARD_PORT: await freePort(),
    DATASERVICE_PORT: await freePort(),
    STRAVA_PORT: await freePort(),
    REPORTS_PORT: await freePort(),
    PLANS_PORT: await freePort(),
    STRAVA_SANDBOX_PORT: await freePort(),
  };
}

/** This process's environment with `ports`, `extra` and `dataDir`, and without a Strava client id (the sandbox's is used). */
export function systemEnv(ports: SystemPorts, dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    ...extra,
    RUNNERLY_DATA_DIR: dataDir,
    RUNNERLY_DEMO: 'false',
  };
  delete env.STRAVA_CLIENT_ID;
  return env;
}
