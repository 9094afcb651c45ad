import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { Clock } from '../clock.js';
import { InvalidOptionError, LocalServerError } from '../errors.js';
import { attachClock } from '../http/attach-clock.js';
import { conditionalWrites } from './conditional-writes.js';

/** Options of {@link startS3Server}. */
interface S3ServerOptions {
  /**
   * Buckets to create before the server answers (3 to 63 lowercase letters, digits, dots, hyphens).
   * @default []
   */
  readonly buckets?: readonly string[];
  /**
   * Region the clients sign for (s3rver accepts any).
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Port on 127.0.0.1; `0` picks a free one.
   * @default 0
   */
  readonly port?: number;
  /**
   * Folder that holds the objects. When omitted, a fresh temporary folder is created and removed
   * by `stop()`; a folder you pass is left in place.
   * @default - a new folder under the OS temporary directory
   */
  readonly directory?: string;
  /**
   * The runtime's clock: requests are tracked work on it and responses carry its time. The
   * server then accepts any request time (functions sign with the virtual time, the host
   * process with the wall time), so S3's 15-minute `RequestTimeTooSkewed` check is not made.
   * @default - the real clock
   */
  readonly clock?: Clock;
}

/** Static credentials s3rver accepts. */
interface S3ServerCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A running local S3 server, see {@link startS3Server}. */
interface S3Server {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Region clients should use. */
  readonly region: string;
  /** Credentials clients should use. */
  readonly credentials: S3ServerCredentials;
  /** Folder that holds the objects. */
  readonly directory: string;
  /**
   * Environment variables that point an unmodified AWS SDK at this server
   * (`AWS_ENDPOINT_URL_S3`, `AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED`).
   */
  readonly env: Readonly<Record<string, string>>;
  /**
   * A new S3 client for this server: path-style addressing and checksums only when required
   * (s3rver would otherwise store streamed bodies with their aws-chunked framing).
   *
   * @param overrides - client settings to add or replace
   */
  createClient(overrides?: S3ClientConfig): S3Client;
  /** Stops the server and removes the temporary folder it created. Safe to call twice. */
  stop(): Promise<void>;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const CREDENTIALS: S3ServerCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function checkOptions(options: S3ServerOptions): void {
  for (const [index, bucket] of (options.buckets ?? []).entries()) {
    if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket)) {
      throw new InvalidOptionError(`buckets[${index}]`, bucket, 'must be a valid S3 bucket name');
    }
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidOptionError('port', port, 'must be an integer from 0 to 65535');
  }
  if (options.region !== undefined && !/^[a-z0-9-]{1,32}$/.test(options.region)) {
    throw new InvalidOptionError('region', options.region, 'must be an AWS Region name');
  }
}

/**
 * Starts s3rver on 127.0.0.1 (a free port by default) in a fresh temporary folder, and returns
 * its endpoint, credentials and a matching client factory.
 *
 * @param options - buckets to create, region, port, folder
 * @returns the running server; call `stop()` when done
 * @throws InvalidOptionError when an option is invalid
 * @throws LocalServerError when s3rver cannot start
 *
 * @example
 * ```ts
 * const s3 = await startS3Server({ buckets: ['input-bucket'] });
 * const client = s3.createClient();
 * await client.send(new PutObjectCommand({ Bucket: 'input-bucket', Key: 'a.jsonl', Body: '{}' }));
 * await s3.stop();
 * ```
 */
async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  checkOptions(options);
  const region = options.region ?? 'us-east-1';
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'bedrock-batch-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  // s3rver's last middleware is its router: S3's conditional writes go just before it.
  const koa = server as unknown as {
    middleware: unknown[];
    store: Parameters<typeof conditionalWrites>[0];
  };
  koa.middleware.splice(koa.middleware.length - 1, 0, conditionalWrites(koa.store));
  let port: number;
  try {
    const address = await server.run();
    port = address.port;
    if (options.clock !== undefined) {
      const httpServer = (server as unknown as { httpServer: Server }).httpServer;
      attachClock(httpServer, options.clock, { acceptAnyRequestTime: true });
    }
  } catch (error) {
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    throw new LocalServerError(`s3rver did not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;

  return {
    endpoint,
    region,
    credentials: CREDENTIALS,
    directory,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    },
    createClient: (overrides: S3ClientConfig = {}) =>
      new S3Client({
        endpoint,
        region,
        credentials: { ...CREDENTIALS },
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...overrides,
      }),
    stop: () => {
      stopped ??= (async () => {
        try {
          await server.close();
        } finally {
          if (ownsDirectory) await rm(directory, { recursive: true, force: true });
        }
      })();
      return stopped;
    },
  };
}

export type { S3Server, S3ServerCredentials, S3ServerOptions };
export { startS3Server };
