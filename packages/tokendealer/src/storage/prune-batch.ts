/** Rows one prune statement deletes at most, unless the caller (the sweeper) says otherwise. */
export const PRUNE_BATCH = 500;
