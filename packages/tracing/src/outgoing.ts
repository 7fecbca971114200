// Outgoing calls made with undici or fetch (Node's fetch is undici too) carry the active span's
// traceparent: every undici in the process announces new requests on one diagnostics channel,
// where a header can still be added. A request that names its own traceparent is left as it is.
import diagnosticsChannel from 'node:diagnostics_channel';
import { context, trace } from '@opentelemetry/api';
import { traceHeaders } from './traceparent.js';

interface UndiciRequest {
  headers: string | string[];
  addHeader(name: string, value: string): unknown;
}

let installed = false;

export function installOutgoingPropagation(): void {
  if (installed) return;
  installed = true;
  diagnosticsChannel.subscribe('undici:request:create', (message) => {
    const span = trace.getSpan(context.active());
    if (span === undefined) return;
    const { request } = message as { request: UndiciRequest };
    if (namesTraceparent(request.headers)) return;
    const headers = traceHeaders(span);
    for (let i = 0; i < headers.length; i += 2) request.addHeader(headers[i] as string, headers[i + 1] as string);
  });
}

/** undici 7 keeps headers as a flat list, older ones as raw "name: value\r\n" text. */
function namesTraceparent(headers: string | string[]): boolean {
  if (typeof headers === 'string') return /(^|\r\n)traceparent:/i.test(headers);
  for (let i = 0; i < headers.length; i += 2) if ((headers[i] as string).toLowerCase() === 'traceparent') return true;
  return false;
}
