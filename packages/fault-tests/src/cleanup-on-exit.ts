// What a test started must not outlive it, even when the test runner ends the test process early
// (a file timeout sends SIGTERM, after which Node runs no 'exit' handlers unless told to exit):
// each server registers a synchronous last resort here, run once when the process exits.
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort: the process is ending
    }
  }
  cleanups.clear();
}

/** Registers `cleanup` (synchronous) to run at exit; returns a function that unregisters it. */
export function onExit(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', runAll);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(128 + (signal === 'SIGTERM' ? 15 : 2)));
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
