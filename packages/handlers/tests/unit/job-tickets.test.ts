import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type JobTicket, MANAGED_BY_VALUE, ticketKey } from '@bedrock-batch/schema';
import { afterEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { TicketFormatError } from '../../src/errors.js';
import {
  claimDelivery,
  completeDelivery,
  pendingJobNames,
  readDeliveredTicket,
  readTicket,
  removeTicket,
  tokenMarker,
  writeTicket,
} from '../../src/job-tickets.js';
import { getSchemaFixture, makeTaskToken, schemaFixtureVariants } from '../helpers/events.js';
import { createFakeAws } from '../helpers/fake-bedrock.js';
import { BUCKET, JOB_ARN, JOB_NAME, makeTicket } from '../helpers/tickets.js';

const fake = createFakeAws();
const s3 = fake.clients.s3;
const AT = new Date('2026-11-25T12:00:00Z');
const PENDING_KEY = ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'pending');

async function collect(names: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const name of names) out.push(name);
  return out;
}

async function stored(ticket: JobTicket = makeTicket()) {
  await writeTicket(s3, BUCKET, ticket);
  const read = await readTicket(s3, BUCKET, ticket.owner, ticket.jobName);
  if (read === undefined) throw new Error('test bug: the ticket was not written');
  return read;
}

describe('Module: job-tickets', () => {
  afterEach(() => {
    fake.reset();
  });

  it('tokenMarker is the hex SHA-256 of the token', () => {
    // Prepare
    const token = makeTaskToken(2048);

    // Act
    const marker = tokenMarker(token);

    // Assess
    expect(marker).toBe(createHash('sha256').update(token).digest('hex'));
    expect(marker).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes a ticket under the owner pending folder and reads it back with its ETag', async () => {
    // Prepare
    const ticket = makeTicket({ owner: 'team a/b' });

    // Act
    const etag = await writeTicket(s3, BUCKET, ticket);
    const read = await readTicket(s3, BUCKET, 'team a/b', JOB_NAME);

    // Assess
    expect(fake.listKeys(BUCKET)).toEqual([
      `bedrock-batch-control/team%20a%2Fb/pending/${JOB_NAME}.json`,
    ]);
    expect(read).toEqual({ bucket: BUCKET, etag, ticket });
    expect(fake.s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      ContentType: 'application/json',
    });
  });

  it('writes conditionally: undefined when the ETag no longer matches or the ticket is gone', async () => {
    // Prepare
    const first = await writeTicket(s3, BUCKET, makeTicket());
    const second = await writeTicket(
      s3,
      BUCKET,
      makeTicket({ taskToken: makeTaskToken(900, 'b') }),
    );

    // Act
    const stale = await writeTicket(s3, BUCKET, makeTicket(), first);
    const current = await writeTicket(
      s3,
      BUCKET,
      makeTicket({ createdAt: AT.toISOString() }),
      second,
    );
    fake.reset();
    const gone = await writeTicket(s3, BUCKET, makeTicket(), current);

    // Assess
    expect(first).not.toBe(second);
    expect(stale).toBeUndefined();
    expect(current).toMatch(/^"[0-9a-f]{32}"$/);
    expect(gone).toBeUndefined();
  });

  it('throws S3 errors other than a failed condition', async () => {
    // Prepare
    fake.s3Mock
      .on(PutObjectCommand)
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    // Act
    const write = writeTicket(s3, BUCKET, makeTicket(), '"etag"');

    // Assess
    await expect(write).rejects.toThrow('Access Denied');
  });

  it('reads no ticket as undefined, and a broken one as a TicketFormatError without its content', async () => {
    // Prepare
    const token = makeTaskToken(900, 'secret');
    fake.putObject(
      BUCKET,
      PENDING_KEY,
      JSON.stringify({ ...makeTicket({ taskToken: token }), version: 2 }),
    );

    // Act
    const missing = await readTicket(s3, BUCKET, MANAGED_BY_VALUE, 'no-such-job');
    const broken = readTicket(s3, BUCKET, MANAGED_BY_VALUE, JOB_NAME);

    // Assess
    expect(missing).toBeUndefined();
    await expect(broken).rejects.toBeInstanceOf(TicketFormatError);
    await expect(broken).rejects.toThrow(
      `s3://${BUCKET}/${PENDING_KEY} is not a ticket (fields: version)`,
    );
    await expect(broken).rejects.toMatchObject({ name: 'BedrockBatch.TicketFormatError' });
  });

  it('claims a ticket once: a second claim from the same read loses', async () => {
    // Prepare
    const read = await stored();

    // Act
    const claimed = await claimDelivery(s3, read, AT);
    const again = await claimDelivery(s3, read, AT);

    // Assess
    expect(claimed?.ticket.claim).toEqual({
      marker: tokenMarker(read.ticket.taskToken),
      at: AT.toISOString(),
    });
    expect(claimed?.etag).not.toBe(read.etag);
    expect(again).toBeUndefined();
    expect((await readTicket(s3, BUCKET, MANAGED_BY_VALUE, JOB_NAME))?.ticket.claim?.at).toBe(
      AT.toISOString(),
    );
  });

  it('completes a delivery: writes delivered/, removes pending/, keeps no token', async () => {
    // Prepare
    const claimed = await claimDelivery(s3, await stored(), AT);
    if (claimed === undefined) throw new Error('test bug: claim failed');

    // Act
    await completeDelivery(
      s3,
      claimed,
      { outcome: 'delivered', jobArn: JOB_ARN, jobStatus: 'Completed' },
      AT,
    );

    // Assess
    expect(fake.getObject(BUCKET, PENDING_KEY)).toBeUndefined();
    const done = await readDeliveredTicket(s3, BUCKET, MANAGED_BY_VALUE, JOB_NAME);
    expect(done).toEqual({
      version: 1,
      owner: MANAGED_BY_VALUE,
      jobName: JOB_NAME,
      jobArn: JOB_ARN,
      executionArn: claimed.ticket.executionArn,
      marker: tokenMarker(claimed.ticket.taskToken),
      outcome: 'delivered',
      jobStatus: 'Completed',
      deliveredAt: AT.toISOString(),
    });
    expect(JSON.stringify(done)).not.toContain(claimed.ticket.taskToken.slice(0, 64));
  });

  it('reads a delivered object that is not a delivered ticket as undefined', async () => {
    // Prepare
    fake.putObject(BUCKET, ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'delivered'), '{"version":1}');

    // Act
    const done = await readDeliveredTicket(s3, BUCKET, MANAGED_BY_VALUE, JOB_NAME);

    // Assess
    expect(done).toBeUndefined();
  });

  it('removes a ticket', async () => {
    // Prepare
    const read = await stored();

    // Act
    await removeTicket(s3, read);

    // Assess
    expect(fake.listKeys(BUCKET)).toEqual([]);
  });

  it('lists the pending job names of one owner, every page, nothing else', async () => {
    // Prepare
    for (const jobName of ['a-0', 'a-1', 'a-2', 'a-3', 'a-4']) {
      fake.putTicket(BUCKET, makeTicket({ jobName }));
    }
    fake.putTicket(BUCKET, makeTicket({ jobName: 'done-0' }), 'delivered');
    fake.putTicket(BUCKET, makeTicket({ jobName: 'theirs-0', owner: 'other' }));
    fake.putObject(BUCKET, `bedrock-batch-control/${MANAGED_BY_VALUE}/pending/notes.txt`, '');
    fake.putObjects(BUCKET, {}, 2);

    // Act
    const names = await collect(pendingJobNames(s3, BUCKET, MANAGED_BY_VALUE));

    // Assess
    expect(names).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
  });

  describe('the schema package\u2019s ticket fixtures', () => {
    it.each(schemaFixtureVariants('job-ticket', 'valid'))(
      'writes and reads back job-ticket/%s unchanged',
      async (variant) => {
        // Prepare
        const ticket = getSchemaFixture<JobTicket>('job-ticket', variant);

        // Act
        const etag = await writeTicket(s3, BUCKET, ticket);
        const read = await readTicket(s3, BUCKET, ticket.owner, ticket.jobName);

        // Assess
        expect(read).toEqual({ bucket: BUCKET, etag, ticket });
      },
    );

    it.each(schemaFixtureVariants('job-ticket', 'invalid'))(
      'reads job-ticket/%s as a TicketFormatError that names fields, not content',
      async (variant) => {
        // Prepare
        const body = getSchemaFixture<Record<string, unknown>>('job-ticket', variant);
        const key = ticketKey(String(body.owner), String(body.jobName), 'pending');
        fake.putObject(BUCKET, key, JSON.stringify(body));

        // Act
        const error = await readTicket(s3, BUCKET, String(body.owner), String(body.jobName)).then(
          () => undefined,
          (thrown: unknown) => thrown as Error,
        );

        // Assess
        expect(error).toBeInstanceOf(TicketFormatError);
        expect(error?.message).toMatch(/is not a ticket \(fields: [a-zA-Z.]+/);
        if (typeof body.taskToken === 'string') {
          expect(error?.message).not.toContain(body.taskToken.slice(0, 32));
        }
      },
    );

    it('agrees with the claimed fixture on the marker: the SHA-256 of the token', () => {
      // Prepare
      const ticket = getSchemaFixture<JobTicket>('job-ticket', 'valid-claimed');

      // Act
      const marker = tokenMarker(ticket.taskToken);

      // Assess
      expect(marker).toBe(ticket.claim?.marker);
    });

    it.each([
      ...schemaFixtureVariants('delivered-ticket', 'valid').map((variant) => [variant, true]),
      ...schemaFixtureVariants('delivered-ticket', 'invalid').map((variant) => [variant, false]),
    ])('reads delivered-ticket/%s (usable: %p)', async (variant, usable) => {
      // Prepare
      const body = getSchemaFixture<Record<string, unknown>>('delivered-ticket', String(variant));
      const owner = String(body.owner);
      const jobName = String(body.jobName);
      fake.putTicket(BUCKET, { ...body, owner, jobName }, 'delivered');

      // Act
      const done = await readDeliveredTicket(s3, BUCKET, owner, jobName);

      // Assess
      expect(done).toEqual(usable ? body : undefined);
    });
  });
});
