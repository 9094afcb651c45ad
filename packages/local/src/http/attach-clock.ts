import type { Server } from 'node:http';
import type { Clock } from '../clock.js';

/** Options of {@link attachClock}. */
interface AttachClockOptions {
  /**
   * For a server that checks a request's signing time (`x-amz-date`, `date`) against the wall
   * clock, as s3rver does (`RequestTimeTooSkewed` past 15 minutes): replace that time with the
   * wall time, so the check always passes. Clients in the host process sign with the wall clock
   * and functions with the virtual clock, so no one clock could check both.
   * @default false
   */
  readonly acceptAnyRequestTime?: boolean;
}

/** `20300101T000000Z`, the form SigV4 signs. */
function toAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Puts a local server on the runtime's clock: each request is tracked work until its response
 * is closed (virtual time stands still while a request is in flight), and responses carry the
 * virtual time in their `Date` header, as a service's responses carry its time.
 *
 * @example
 * ```ts
 * const server = createServer(handler);
 * attachClock(server, clock);
 * ```
 */
function attachClock(server: Server, clock: Clock, options: AttachClockOptions = {}): void {
  // Prepended: this runs before the server's own request handler.
  server.prependListener('request', (request, response) => {
    if (options.acceptAnyRequestTime === true) {
      const wall = Date.now();
      if (request.headers['x-amz-date'] !== undefined)
        request.headers['x-amz-date'] = toAmzDate(wall);
      if (request.headers.date !== undefined) request.headers.date = new Date(wall).toUTCString();
    }
    response.setHeader('date', new Date(clock.now()).toUTCString());
    void clock.track(
      new Promise<void>((resolve) => {
        response.once('close', resolve);
      }),
    );
  });
}

export type { AttachClockOptions };
export { attachClock };
