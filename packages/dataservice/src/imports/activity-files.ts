// The file import's parser: @runnerly/activity-files, with its limits (upload size from this
// service's configuration; archive entries, decompression ratio, track points and parse time as
// that package bounds them).
import { parseUpload } from '@runnerly/activity-files';
import type { UploadParser } from './upload-parser.js';

export const activityFilesParser: UploadParser = (fileName, data, limits) => parseUpload(fileName, data, limits);
