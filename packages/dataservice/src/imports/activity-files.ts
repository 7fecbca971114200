// The file import's parser: @runnerly/activity-files when it is installed. Until then the route
// answers 503 (the service still starts and serves everything else).
import { ProblemError } from '@runnerly/http-service';
import type { UploadParser } from './upload-parser.js';

const PACKAGE = '@runnerly/activity-files';

export async function loadActivityFiles(): Promise<UploadParser> {
  try {
    const module = (await import(PACKAGE)) as { parseUpload: UploadParser };
    return module.parseUpload;
  } catch {
    return async () => {
      throw new ProblemError(503, 'Service Unavailable', 'file imports are not available in this installation');
    };
  }
}
