/**
 * S3's conditional writes for s3rver, which ignores `If-Match` / `If-None-Match` on PutObject:
 * a `PUT /<bucket>/<key>` with `If-None-Match: *` fails with 412 `PreconditionFailed` when the
 * key exists, and one with `If-Match: <etag>` fails with 412 when the object's ETag differs
 * (404 `NoSuchKey` when there is no object), as the S3 API reference describes. Written here
 * because s3rver has no hook for it; writes to one key are serialized so the check and the
 * write cannot interleave.
 */

/** The part of s3rver's store this needs. */
interface ObjectStore {
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
}

/** The part of a Koa context this reads and writes. */
interface KoaContext {
  readonly method: string;
  readonly path: string;
  readonly querystring: string;
  readonly headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
}

type Middleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<unknown>;

function header(ctx: KoaContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `/<bucket>/<key>` of a path-style object request, or `undefined`. */
function objectOf(path: string): { bucket: string; key: string } | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(path);
  if (match === null) return undefined;
  return { bucket: decodeURIComponent(match[1] ?? ''), key: decodeURIComponent(match[2] ?? '') };
}

async function etagOf(
  store: ObjectStore,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  try {
    return (await store.getMetadata(bucket, key)).etag;
  } catch {
    return undefined;
  }
}

/** A PutObject (the SDK adds `x-id=PutObject`), not a part, copy, ACL or tagging request. */
function isPlainPut(ctx: KoaContext): boolean {
  const names = [...new URLSearchParams(ctx.querystring).keys()];
  return names.every((name) => name === 'x-id') && header(ctx, 'x-amz-copy-source') === undefined;
}

function fail(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { Error: { Code: code, Message: message } };
}

/**
 * The Koa middleware; insert it before s3rver's router.
 *
 * @param store - s3rver's object store
 * @returns the middleware
 *
 * @example
 * ```ts
 * server.middleware.splice(server.middleware.length - 1, 0, conditionalWrites(server.store));
 * ```
 */
function conditionalWrites(store: ObjectStore): Middleware {
  const locks = new Map<string, Promise<unknown>>();
  return async (ctx, next) => {
    const ifMatch = header(ctx, 'if-match');
    const ifNoneMatch = header(ctx, 'if-none-match');
    const target = ctx.method === 'PUT' && isPlainPut(ctx) ? objectOf(ctx.path) : undefined;
    if (target === undefined || (ifMatch === undefined && ifNoneMatch === undefined)) {
      return next();
    }
    const lockKey = `${target.bucket}/${target.key}`;
    const previous = locks.get(lockKey) ?? Promise.resolve();
    const run = previous.then(async () => {
      const etag = await etagOf(store, target.bucket, target.key);
      if (ifNoneMatch === '*' && etag !== undefined) {
        return fail(
          ctx,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      }
      if (ifMatch !== undefined && etag === undefined) {
        return fail(ctx, 404, 'NoSuchKey', 'The specified key does not exist.');
      }
      if (ifMatch !== undefined && ifMatch !== etag) {
        return fail(
          ctx,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      }
      await next();
    });
    const settled = run.catch(() => undefined);
    locks.set(lockKey, settled);
    try {
      await run;
    } finally {
      if (locks.get(lockKey) === settled) locks.delete(lockKey);
    }
  };
}

export { conditionalWrites };
