// Buffering of request bodies the firewall inspects: form and JSON bodies up to the inspection limit,
// multipart bodies up to maxBodyBytes (their files do not count against the inspection limit). A form
// or JSON body that turns out larger than its limit is not refused for that: its first chunks and the
// rest of the stream are forwarded together, uninspected beyond the limit, as CRS does. A multipart
// body that does not end within maxBodyBytes is past the route's limit: the caller refuses it (413).
// Either way the stream is read once, and what was buffered is what the upstream gets.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { BodyTooLargeError } from '../proxy/body-limit.js';

export type CollectedBody = { readonly complete: true; readonly body: Buffer } | { readonly complete: false; readonly head: Buffer[] };

/** Reads `req` until it ends or passes `limitBytes`; the stream is left paused in the second case. */
export function collectBody(req: IncomingMessage, limitBytes: number): Promise<CollectedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanUp = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limitBytes) {
        req.pause();
        cleanUp();
        resolve({ complete: false, head: chunks });
      }
    };
    const onEnd = (): void => {
      cleanUp();
      resolve({ complete: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    };
    const onError = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    const onClose = (): void => {
      cleanUp();
      reject(new Error('the client closed the connection before sending the whole body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** `head` followed by the rest of `req`, failing with BodyTooLargeError past `maxBytes` in total. */
export function resumedBody(head: readonly Buffer[], req: IncomingMessage, maxBytes: number): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let size = 0;
    for (const chunk of head) {
      size += chunk.length;
      yield chunk;
    }
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
      yield chunk as Buffer;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
