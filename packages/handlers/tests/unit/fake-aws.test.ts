import {
  GetModelInvocationJobCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-bedrock';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from '@jest/globals';
import { getTestEvent } from '../helpers/events.js';
import { createFakeAws, toJobDescription } from '../helpers/fake-bedrock.js';

// The unit tests trust this fake to behave like S3 and Bedrock where the handlers depend on it.
const fake = createFakeAws();
const { s3, bedrock } = fake.clients;
const JOB_ARN = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl';

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => undefined,
    (error: unknown) => error as { name: string; $metadata?: { httpStatusCode?: number } },
  );
}

describe('Test helper: the in-memory AWS behind the SDK mocks', () => {
  afterEach(() => {
    fake.reset();
  });

  it('S3: PutObject If-Match writes on the current ETag only, like S3', async () => {
    // Prepare
    const put = (body: string, extra: Record<string, string> = {}) =>
      s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body, ...extra }));
    const { ETag: first } = await put('one');

    // Act
    const stale = await failure(put('three', { IfMatch: '"0"' }));
    const { ETag: second } = await put('two', { IfMatch: first ?? '' });
    const absent = await failure(
      s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'other', Body: 'x', IfMatch: first })),
    );
    const exists = await failure(put('four', { IfNoneMatch: '*' }));

    // Assess
    expect(stale).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    expect(absent).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    expect(exists).toMatchObject({ name: 'PreconditionFailed' });
    expect(second).not.toBe(first);
    expect(fake.getObject('b', 'k')).toEqual({ body: 'two', etag: second });
  });

  it('S3: GetObject, DeleteObject (If-Match) and ListObjectsV2 (Prefix, pages)', async () => {
    // Prepare
    fake.putObjects('b', { 'p/1': 'a', 'p/2': 'b', 'p/3': 'c', 'q/1': 'd' }, 2);
    const etag = fake.getObject('b', 'p/1')?.etag ?? '';

    // Act
    const read = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'p/2' }));
    const missing = await failure(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'nope' })));
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'p/' }));
    const next = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'b',
        Prefix: 'p/',
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    const refused = await failure(
      s3.send(new DeleteObjectCommand({ Bucket: 'b', Key: 'p/1', IfMatch: '"0"' })),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: 'b', Key: 'p/1', IfMatch: etag }));

    // Assess
    expect(await read.Body?.transformToString()).toBe('b');
    expect(missing).toMatchObject({ name: 'NoSuchKey' });
    expect(first.Contents?.map((object) => object.Key)).toEqual(['p/1', 'p/2']);
    expect(first.IsTruncated).toBe(true);
    expect(next.Contents?.map((object) => object.Key)).toEqual(['p/3']);
    expect(next.IsTruncated).toBe(false);
    expect(refused).toMatchObject({ name: 'PreconditionFailed' });
    expect(fake.listKeys('b')).toEqual(['p/2', 'p/3', 'q/1']);
  });

  it('Bedrock: the tag switch fails the tagging calls, which tagCallsReceived reports', async () => {
    // Prepare
    fake.putJob({ ...toJobDescription(getTestEvent('get-job', 'stopped')) }, [
      { key: 'team', value: 'a' },
    ]);
    const readable = await bedrock.send(new ListTagsForResourceCommand({ resourceARN: JOB_ARN }));
    fake.failTagOperations({ statuses: ['Stopped'] });

    // Act
    const listed = await failure(
      bedrock.send(new ListTagsForResourceCommand({ resourceARN: JOB_ARN })),
    );
    const tagged = await failure(
      bedrock.send(new TagResourceCommand({ resourceARN: JOB_ARN, tags: [] })),
    );
    const described = await bedrock.send(
      new GetModelInvocationJobCommand({ jobIdentifier: JOB_ARN }),
    );

    // Assess
    expect(readable.tags).toEqual([{ key: 'team', value: 'a' }]);
    expect(listed).toMatchObject({ name: 'ValidationException' });
    expect(tagged).toMatchObject({ name: 'ValidationException' });
    expect(described.status).toBe('Stopped');
    expect(fake.tagCallsReceived()).toEqual([
      'ListTagsForResourceCommand',
      'ListTagsForResourceCommand',
      'TagResourceCommand',
    ]);
  });
});
