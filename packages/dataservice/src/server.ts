// Starts the data service: storage opened and migrated, the app listening, and one close() that
// stops taking requests, lets in-flight ones finish, then closes the database.
import type { Logger } from 'pino';
import { listen, schemaWaitOptions } from '@runnerly/http-service';
import { describeConfig } from '@runnerly/service-config';
import type { AccessTokenVerifier } from '@runnerly/guard';
import type { FastifyInstance } from 'fastify';
import { buildDataServiceApp } from './app.js';
import { dataServiceOptions, type DataServiceConfig } from './config/options.js';
import { activityFilesParser } from './imports/activity-files.js';
import type { UploadParser } from './imports/upload-parser.js';
import { openStorage, type DataServiceStorage } from './storage/open-storage.js';

export interface RunningDataService {
  url: string;
  app: FastifyInstance;
  storage: DataServiceStorage;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: () => number;
  verifier?: AccessTokenVerifier;
  parseUpload?: UploadParser;
}

export async function startDataService(config: DataServiceConfig, logger: Logger, options: StartOptions = {}): Promise<RunningDataService> {
  const storage = await openStorage(config.db, { apply: config.migrateOnStart, ...schemaWaitOptions(logger) });
  try {
    const app = await buildDataServiceApp({ config, storage, logger, parseUpload: options.parseUpload ?? activityFilesParser, ...options });
    const url = await listen(app, config.host, config.port);
    logger.info({ config: describeConfig(dataServiceOptions, config), url }, 'data service listening');
    return {
      url,
      app,
      storage,
      async close() {
        await app.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
