import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from '@jest/globals';
import { InvalidOptionError, startS3Server } from '../../src/index.js';

describe('Function: startS3Server', () => {
  it('round-trips a streamed body byte for byte through the real S3 client', async () => {
    // Prepare
    const s3 = await startS3Server({ buckets: ['stream-bucket'] });
    const client = s3.createClient();
    const lines = Array.from({ length: 2_000 }, (_, i) =>
      JSON.stringify({ recordId: `r${i}`, modelInput: { i } }),
    );
    const text = `${lines.join('\n')}\n`;
    try {
      // Act
      await client.send(
        new PutObjectCommand({
          Bucket: 'stream-bucket',
          Key: 'in/records.jsonl',
          Body: Readable.from([Buffer.from(text.slice(0, 1000)), Buffer.from(text.slice(1000))]),
          ContentLength: Buffer.byteLength(text),
        }),
      );
      const response = await client.send(
        new GetObjectCommand({ Bucket: 'stream-bucket', Key: 'in/records.jsonl' }),
      );
      const read = await response.Body?.transformToString('utf8');

      // Assess
      expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(response.ContentLength).toBe(Buffer.byteLength(text));
      expect(read).toBe(text);
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it('creates the buckets asked for and exposes SDK settings', async () => {
    // Prepare
    const s3 = await startS3Server({
      buckets: ['alpha-bucket', 'beta-bucket'],
      region: 'eu-west-1',
    });
    const client = s3.createClient();
    try {
      // Act
      const buckets = await client.send(new ListBucketsCommand({}));

      // Assess
      expect(buckets.Buckets?.map((b) => b.Name).sort()).toEqual(['alpha-bucket', 'beta-bucket']);
      expect(s3.region).toBe('eu-west-1');
      expect(s3.credentials).toEqual({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
      expect(s3.env).toEqual({
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      });
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it('removes its temporary folder on stop, and stop can be called twice', async () => {
    // Prepare
    const s3 = await startS3Server();
    const folder = s3.directory;
    const existed = existsSync(folder);

    // Act
    await s3.stop();
    await s3.stop();

    // Assess
    expect(existed).toBe(true);
    expect(existsSync(folder)).toBe(false);
  });

  it('throws InvalidOptionError naming a bad bucket name', async () => {
    // Act / Assess
    await expect(startS3Server({ buckets: ['ok-bucket', 'Bad_Bucket'] })).rejects.toThrow(
      InvalidOptionError,
    );
    await expect(startS3Server({ buckets: ['Bad_Bucket'] })).rejects.toThrow(
      'Invalid option buckets[0]: must be a valid S3 bucket name (received: "Bad_Bucket")',
    );
  });
});
