import { GetObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from '@jest/globals';
import { startS3Server } from '../../src/index.js';

const BUCKET = 'control-bucket';

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException)
      return `${error.name} ${error.$metadata.httpStatusCode}`;
    throw error;
  }
  return 'no error';
}

describe('Function: startS3Server (conditional writes)', () => {
  it('honours If-None-Match and If-Match on PutObject as S3 does', async () => {
    // Prepare
    const s3 = await startS3Server({ buckets: [BUCKET] });
    const client = s3.createClient();
    const put = (body: string, condition: { IfMatch?: string; IfNoneMatch?: string } = {}) =>
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'a/ticket.json', Body: body, ...condition }),
      );
    try {
      // Act
      const created = await put('v1', { IfNoneMatch: '*' });
      const createAgain = await errorName(put('v1b', { IfNoneMatch: '*' }));
      const staleMatch = await errorName(
        put('v2', { IfMatch: '"0123456789abcdef0123456789abcdef"' }),
      );
      const updated = await put('v2', { IfMatch: created.ETag ?? '' });
      const oldMatch = await errorName(put('v3', { IfMatch: created.ETag ?? '' }));
      const missing = await errorName(
        client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: 'none.json',
            Body: 'x',
            IfMatch: created.ETag ?? '',
          }),
        ),
      );
      const body = await (
        await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a/ticket.json' }))
      ).Body?.transformToString();

      // Assess
      expect(createAgain).toBe('PreconditionFailed 412');
      expect(staleMatch).toBe('PreconditionFailed 412');
      expect(updated.ETag).not.toBe(created.ETag);
      expect(oldMatch).toBe('PreconditionFailed 412');
      expect(missing).toBe('NoSuchKey 404');
      expect(body).toBe('v2');
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it('lets exactly one of many concurrent If-None-Match writers win', async () => {
    // Prepare
    const s3 = await startS3Server({ buckets: [BUCKET] });
    const client = s3.createClient();
    try {
      // Act
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          client.send(
            new PutObjectCommand({
              Bucket: BUCKET,
              Key: 'claim.json',
              Body: `w${i}`,
              IfNoneMatch: '*',
            }),
          ),
        ),
      );

      // Assess
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    } finally {
      client.destroy();
      await s3.stop();
    }
  });
});
