// POST /api/data/users/{sub}/imports: activity files (GPX, TCX, FIT, their .gz, ZIP exports) as
// multipart/form-data `file` parts. Every file is read and parsed before anything is written; the
// runs of all files are then written in one transaction, so a refused upload leaves nothing behind.
import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { Type, type Static } from '@sinclair/typebox';
import { ProblemError } from '@runnerly/http-service';
import { bearerSecurity, errorResponses, nowText, pathRunner, type RouteContext } from '../../http/route-support.js';
import { parsedRunAsImport } from '../../imports/parsed-run.js';
import { asUploadRejection, type FileOutcome } from '../../imports/upload-parser.js';
import { toRunValues } from '../../runs/run-input.js';
import { SubParams } from '../../schemas/common.js';
import type { ImportedRunValues } from '../../storage/run-store.js';
import { PublicScope } from '../../scopes.js';

export const ImportReportSchema = Type.Object(
  {
    files: Type.Array(
      Type.Object(
        {
          file: Type.String({ description: 'the uploaded file, or the path inside an archive' }),
          status: Type.Union([Type.Literal('imported'), Type.Literal('updated'), Type.Literal('skipped'), Type.Literal('failed')]),
          run_id: Type.Optional(Type.String()),
          reason: Type.Optional(Type.String({ description: 'why a file was skipped' })),
          error: Type.Optional(Type.String({ description: 'why a file failed' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'ImportReport', additionalProperties: false },
);
type ImportReport = Static<typeof ImportReportSchema>;

const uploadRefused = (status: number, file: string, detail: string, code: string): ProblemError =>
  new ProblemError(status, status === 413 ? 'Content Too Large' : 'Invalid upload', `${file}: ${detail}`, {
    type: `urn:runnerly:problem:upload-${code.replace(/_/g, '-')}`,
    field: 'file',
    errors: [{ field: 'file', detail: `${file}: ${detail}` }],
  });

/** Bounded text for the report: file names come from the client. */
const shown = (text: string): string => (text.length > 300 ? `${text.slice(0, 297)}...` : text);

export async function importRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const { uploadFileLimit, uploadFiles, publicAudience } = context.config;
  // Encapsulated: only this route accepts multipart bodies.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: uploadFileLimit, files: uploadFiles, fields: 0, parts: uploadFiles, headerPairs: 100, fieldNameSize: 100 } });

    scope.post<{ Params: Static<typeof SubParams> }>(
      '/api/data/users/:sub/imports',
      {
        preHandler: scope.requireAccess({ audience: publicAudience, subject: 'user', scopes: [PublicScope.runsWrite] }),
        schema: {
          tags: ['runs'],
          summary: 'Imports runs from activity files',
          description:
            `multipart/form-data with one or more \`file\` parts (at most ${uploadFiles}, each at most ${uploadFileLimit} bytes): GPX, TCX or FIT files, ` +
            'their .gz, or a ZIP archive of them (a Strava bulk export). A run already imported from the same file content is updated, never duplicated. ' +
            'An upload refused as a whole (unsupported, hostile or too large) answers 400 or 413 naming the file, and nothing is imported.',
          consumes: ['multipart/form-data'],
          security: bearerSecurity,
          params: SubParams,
          response: { 200: Type.Ref(ImportReportSchema), ...errorResponses(400, 404, 413, 415) },
        },
      },
      async (request): Promise<ImportReport> => {
        const profile = await pathRunner(context, request, request.params.sub);
        if (!request.isMultipart()) throw new ProblemError(415, 'Unsupported Media Type', 'send the files as multipart/form-data `file` parts', { field: 'file' });
        const outcomes: FileOutcome[] = [];
        let files = 0;
        for await (const part of request.files()) {
          const name = shown(part.filename || 'upload');
          if (part.fieldname !== 'file') throw uploadRefused(400, name, 'files must be sent as `file` parts', 'bad-part');
          const data = await part.toBuffer().catch((error: unknown) => {
            if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw uploadRefused(413, name, `is larger than ${uploadFileLimit} bytes`, 'too_large');
            throw error;
          });
          files += 1;
          try {
            outcomes.push(...(await context.parseUpload(name, data, { maxUploadBytes: uploadFileLimit })));
          } catch (error) {
            const rejection = asUploadRejection(error);
            if (!rejection) throw error;
            throw uploadRefused(rejection.code === 'too_large' ? 413 : 400, name, rejection.message, rejection.code);
          }
        }
        if (files === 0) throw new ProblemError(400, 'Invalid request', 'file: at least one `file` part is required', { type: 'urn:runnerly:problem:invalid-request', field: 'file' });

        const report: ImportReport['files'] = [];
        const runs: ImportedRunValues[] = [];
        const reportOfRun: number[] = [];
        for (const outcome of outcomes) {
          const file = shown(outcome.file);
          if (outcome.status === 'skipped') report.push({ file, status: 'skipped', reason: shown(outcome.reason) });
          else if (outcome.status === 'failed') report.push({ file, status: 'failed', error: shown(outcome.error) });
          else {
            const checked = parsedRunAsImport(outcome.run);
            if ('error' in checked) {
              report.push({ file, status: 'failed', error: shown(checked.error) });
              continue;
            }
            try {
              runs.push({ ...toRunValues(checked.run, profile.timezone, '', 'import'), source: 'file', source_key: outcome.run.external_id, strava_id: null });
              reportOfRun.push(report.length);
              report.push({ file, status: 'imported' });
            } catch (error) {
              // A parsed run whose values this service cannot keep fails alone, like an unreadable file.
              report.push({ file, status: 'failed', error: error instanceof ProblemError ? (error.detail ?? error.title) : 'the run could not be read' });
            }
          }
        }
        const written = await context.storage.runs.importRuns(profile.id, runs, nowText(context));
        written.forEach((outcome, index) => {
          const entry = report[reportOfRun[index]!]!;
          entry.run_id = outcome.run_id;
          if (outcome.status === 'updated') entry.status = 'updated';
          if (outcome.status === 'unchanged') Object.assign(entry, { status: 'skipped', reason: 'already imported, unchanged' });
        });
        return { files: report };
      },
    );
  });
}
