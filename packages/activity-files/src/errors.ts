export type UploadRejectedCode =
  | 'too_large'
  | 'unsupported_type'
  | 'bad_archive'
  | 'too_many_entries'
  | 'too_much_data'
  | 'compression_ratio'
  | 'unsafe_entry_name'
  | 'no_activities';

/** The whole upload is refused: nothing in it is imported. */
export class UploadRejected extends Error {
  override readonly name = 'UploadRejected';
  constructor(
    readonly code: UploadRejectedCode,
    message: string,
  ) {
    super(message);
  }
}

/** One file cannot be read; it becomes a `failed` outcome and the rest of an archive goes on. */
export class ActivityFileError extends Error {
  override readonly name = 'ActivityFileError';
}

/** One file is readable but holds no run to import; it becomes a `skipped` outcome. */
export class NotARun extends Error {
  override readonly name = 'NotARun';
}
