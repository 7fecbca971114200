// Entry point of a parse worker thread: parses the files it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { parseActivityFile, type ParseJob } from './parse-activity.js';

parentPort?.on('message', (job: ParseJob) => {
  parentPort?.postMessage(parseActivityFile(job));
});
