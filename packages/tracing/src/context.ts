// One AsyncLocalStorage context manager for the process, so the span a request runs under is the
// "active" one in its callbacks and promises: log lines and outgoing calls find it there.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

let installed = false;

export function ensureContextManager(): void {
  if (installed) return;
  installed = true;
  // setGlobalContextManager refuses a second manager (another copy of the API set one): keep that one.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
