// Everything one bench run produced: written verbatim to docs/benchmarks.json, rendered to docs/benchmarks.md.
import type { DataServiceResults } from './dataservice-bench.js';
import type { LimiterResults } from './limiter-bench.js';
import type { MachineInfo } from './machine.js';
import type { ProxyResults } from './proxy-bench.js';
import type { StravaImportResults } from './strava-import-bench.js';
import type { SourceRevision } from './source-revision.js';
import type { BenchSummary } from './summary.js';
import type { TokenEndpointResults } from './token-endpoint-bench.js';
import type { UserGrantsResults } from './user-grants-bench.js';
import type { VerifyResults } from './verify-bench.js';

export interface BenchRecord {
  generatedAt: string;
  command: string;
  elapsedSeconds: number;
  machine: MachineInfo;
  source: SourceRevision;
  /** Whether this process (autocannon) ran pinned to its own core, away from the servers. */
  loadGeneratorPinned: boolean;
  tokenEndpoint: TokenEndpointResults;
  verification: VerifyResults;
  proxy: ProxyResults;
  limiter: LimiterResults;
  userGrants: UserGrantsResults;
  dataService: DataServiceResults;
  /** Absent in records written before the Strava service existed. */
  stravaImport?: StravaImportResults;
  summary: BenchSummary;
}
