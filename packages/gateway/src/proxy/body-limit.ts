// Counts a request body as it streams and fails once it exceeds the route's limit, for bodies
// whose size was not declared up front (chunked): the declared ones are refused before reading.
import { Transform, type TransformCallback } from 'node:stream';

export class BodyTooLargeError extends Error {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`the request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
    this.limitBytes = limitBytes;
  }
}

export class BodySizeLimiter extends Transform {
  readonly #limitBytes: number;
  #seenBytes = 0;

  constructor(limitBytes: number) {
    super();
    this.#limitBytes = limitBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seenBytes += chunk.length;
    if (this.#seenBytes > this.#limitBytes) callback(new BodyTooLargeError(this.#limitBytes));
    else callback(null, chunk);
  }
}
