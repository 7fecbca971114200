// The data service's configuration: one option table drives the typed config (read from the
// environment) and the README's table (`runnerly-dataservice --print-options` prints it).
import {
  bearerToken,
  boolean,
  databaseUrl,
  defineOptions,
  integer,
  ipRanges,
  logLevel,
  nonEmpty,
  port,
  requiredHttpUrl,
  resolveOptions,
  type ConfigOf,
} from '@runnerly/service-config';

const MiB = 1024 * 1024;

export const dataServiceOptions = defineOptions({
  host: { env: 'DATASERVICE_HOST', default: '127.0.0.1', parse: nonEmpty, description: 'address to listen on' },
  port: { env: 'DATASERVICE_PORT', default: 5002, parse: port, description: 'port to listen on (0: any free port)' },
  db: {
    env: 'DATASERVICE_DB',
    // A PostgreSQL URL may carry a password: never logged.
    secret: true,
    default: 'sqlite:./data/dataservice.sqlite',
    parse: databaseUrl,
    description: 'database: `sqlite:PATH` or a PostgreSQL URL (`postgres://user@host:5432/db`, `?options=-c search_path=...` for a schema)',
  },
  migrateOnStart: { env: 'DATASERVICE_MIGRATE_ON_START', default: true, parse: boolean, description: 'apply the database migrations at start; false: apply none and refuse to start unless `migrate` applied them all (a job runs it once per release)' },
  issuer: { env: 'TOKENDEALER_ISSUER', default: 'http://127.0.0.1:5001', parse: requiredHttpUrl, description: "TokenDealer's issuer URL (its metadata and keys are read from there)" },
  publicAudience: {
    env: 'PUBLIC_API_AUDIENCE',
    default: 'http://127.0.0.1:8080/api',
    parse: nonEmpty,
    description: 'audience of the user tokens the public API (`/api/data/...`) accepts',
  },
  serviceAudience: {
    env: 'DATASERVICE_AUDIENCE',
    default: 'runnerly-data',
    parse: nonEmpty,
    description: 'audience of the service (client_credentials) tokens the internal API (`/internal/...`) accepts',
  },
  logLevel: { env: 'DATASERVICE_LOG_LEVEL', default: 'info', parse: logLevel, description: 'log level (JSON lines on stderr)' },
  metricsAllow: {
    env: 'DATASERVICE_METRICS_ALLOW',
    default: ['127.0.0.0/8', '::1'] as string[],
    parse: ipRanges,
    description: 'client addresses or CIDR ranges allowed to read `/metrics` (never by address for forwarded requests)',
  },
  metricsToken: {
    env: 'DATASERVICE_METRICS_TOKEN',
    default: undefined as string | undefined,
    parse: bearerToken,
    secret: true,
    description: 'bearer token that also opens `/metrics` (32 to 512 printable characters)',
  },
  bodyLimit: { env: 'DATASERVICE_BODY_LIMIT', default: 1 * MiB, parse: integer(1024, 64 * MiB), description: 'largest JSON request body, in bytes' },
  importBodyLimit: {
    env: 'DATASERVICE_IMPORT_BODY_LIMIT',
    default: 16 * MiB,
    parse: integer(1024, 256 * MiB),
    description: 'largest body of the internal bulk import (`PUT /internal/users/{sub}/runs`, at most 500 runs), in bytes',
  },
  uploadFileLimit: {
    env: 'DATASERVICE_UPLOAD_FILE_LIMIT',
    default: 50 * MiB,
    parse: integer(1024, 1024 * MiB),
    description: 'largest file in a file import (`POST /api/data/users/{sub}/imports`), in bytes',
  },
  uploadFiles: { env: 'DATASERVICE_UPLOAD_FILES', default: 10, parse: integer(1, 100), description: 'most files in one file import' },
});

export type DataServiceConfig = ConfigOf<typeof dataServiceOptions>;

export function resolveDataServiceConfig(env: NodeJS.ProcessEnv = process.env): DataServiceConfig {
  return resolveOptions(dataServiceOptions, env);
}
