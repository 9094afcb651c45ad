import { GetModelInvocationJobCommand, ThrottlingException } from '@aws-sdk/client-bedrock';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  DELIVERY_CLAIM_LEASE_MS,
  type DeliveredTicket,
  type JobTicket,
  MANAGED_BY_VALUE,
  ticketKey,
} from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { deliverJob } from '../../src/deliver-job.js';
import type { HandlerDeps } from '../../src/handler-deps.js';
import { readTicket, tokenMarker } from '../../src/job-tickets.js';
import { after, fixClock, releaseClock, setClock } from '../helpers/clock.js';
import { getSchemaFixture, getTestEvent, makeTaskToken } from '../helpers/events.js';
import { createFakeAws, toJobDescription } from '../helpers/fake-bedrock.js';
import { captureLogs, containsSecret } from '../helpers/log-capture.js';
import { BUCKET, JOB_ARN, JOB_NAME, makeTicket } from '../helpers/tickets.js';

const fake = createFakeAws();
const NOW = new Date('2026-11-25T12:00:00Z');
const TOKEN = makeTaskToken(1200, 'deliver');
const PENDING_KEY = ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'pending');
const KNOWN = { jobName: JOB_NAME };

function deps(extra: Partial<HandlerDeps> = {}): HandlerDeps {
  return { clients: fake.clients, controlBuckets: [BUCKET], ...extra };
}

/** A Completed job with its output, and a pending ticket for TOKEN (with `ticket` changes). */
function putFinishedJob(ticket: Partial<JobTicket> = {}) {
  fake.putJob(toJobDescription(getTestEvent('get-job', 'completed')));
  fake.putObjects(BUCKET, {
    'output/abcdefghijkl/reviews-1.jsonl.out': '',
    'output/abcdefghijkl/manifest.json.out': JSON.stringify(
      getTestEvent('manifest-out', 'complete'),
    ),
  });
  fake.putTicket(BUCKET, makeTicket({ taskToken: TOKEN, ...ticket }));
}

function pending() {
  return fake.ticketOf<JobTicket>(BUCKET, MANAGED_BY_VALUE, JOB_NAME, 'pending');
}

function delivered() {
  return fake.ticketOf<DeliveredTicket>(BUCKET, MANAGED_BY_VALUE, JOB_NAME, 'delivered');
}

function claimAged(ms: number, token = TOKEN) {
  return { marker: tokenMarker(token), at: after(NOW, -ms).toISOString() };
}

/** Every SendTaskSuccess Step Functions received, accepted or not. */
function successCallsReceived(): number {
  return fake.sfnMock.commandCalls(SendTaskSuccessCommand).length;
}

describe('Function: deliverJob', () => {
  beforeEach(() => {
    fixClock(NOW);
  });

  afterEach(() => {
    releaseClock();
    fake.reset();
  });

  it('sends one callback when five runs deliver the same job at once', async () => {
    // Prepare
    putFinishedJob();

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => deliverJob(JOB_ARN, deps(), KNOWN)),
    );

    // Assess
    const outcomes = results.map((result) => result.outcome);
    expect(outcomes.filter((outcome) => outcome === 'delivered')).toHaveLength(1);
    expect(
      outcomes.every((outcome) =>
        ['delivered', 'in-delivery', 'already-delivered'].includes(outcome),
      ),
    ).toBe(true);
    expect(successCallsReceived()).toBe(1);
    expect(pending()).toBeUndefined();
    expect(delivered()?.marker).toBe(tokenMarker(TOKEN));
  });

  it('leaves the job to a run whose claim is fresh, without reading the job', async () => {
    // Prepare
    putFinishedJob({ claim: claimAged(DELIVERY_CLAIM_LEASE_MS - 1) });

    // Act
    const result = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(result).toEqual({ outcome: 'in-delivery', jobArn: JOB_ARN });
    expect(fake.bedrockMock).not.toHaveReceivedCommand(GetModelInvocationJobCommand);
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(pending()?.claim).toEqual(claimAged(DELIVERY_CLAIM_LEASE_MS - 1));
  });

  it.each([
    ['just expired', DELIVERY_CLAIM_LEASE_MS],
    ['an hour old', 3_600_000],
  ])('takes over a claim that is %s (its run died) and delivers once', async (_case, age) => {
    // Prepare
    putFinishedJob({ claim: claimAged(age) });

    // Act
    const result = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(result).toMatchObject({ outcome: 'delivered', marked: true });
    expect(successCallsReceived()).toBe(1);
    expect(pending()).toBeUndefined();
  });

  it('ignores a claim made for another token (an earlier task of the job)', async () => {
    // Prepare
    putFinishedJob({ claim: claimAged(1_000, makeTaskToken(900, 'earlier')) });

    // Act
    const result = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(result.outcome).toBe('delivered');
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
  });

  it('claims with a conditional write: a run that loses it sends nothing', async () => {
    // Prepare: another run claims between this run's read and its claim
    putFinishedJob();
    fake.beforeS3(
      'PutObject',
      (input) => input.Key === PENDING_KEY,
      () => {
        fake.putTicket(BUCKET, makeTicket({ taskToken: TOKEN, claim: claimAged(0) }));
      },
    );

    // Act
    const result = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(result).toEqual({ outcome: 'in-delivery', jobArn: JOB_ARN });
    const claim = fake.s3Mock
      .commandCalls(PutObjectCommand)
      .find((call) => call.args[0].input.Key === PENDING_KEY);
    expect(claim?.args[0].input.IfMatch).toMatch(/^"[0-9a-f]{32}"$/);
    await expect(claim?.returnValue).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(pending()?.claim).toEqual(claimAged(0));
  });

  it('sends nothing when another run finished the delivery between read and claim', async () => {
    // Prepare: the other run removes the pending ticket before this run claims it
    putFinishedJob();
    fake.beforeS3(
      'PutObject',
      (input) => input.Key === PENDING_KEY,
      async () => {
        await deliverJob(JOB_ARN, deps(), KNOWN);
      },
    );

    // Act
    const result = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(result.outcome).toBe('in-delivery');
    expect(successCallsReceived()).toBe(1);
    expect(delivered()?.outcome).toBe('delivered');
  });

  it('gives the claim back when the callback is throttled, so the next run delivers at once', async () => {
    // Prepare
    putFinishedJob();
    const original = fake.getObject(BUCKET, PENDING_KEY);
    fake.sfnMock.on(SendTaskSuccessCommand).rejectsOnce(
      new ThrottlingException({
        message: `Rate exceeded for token ${TOKEN}`,
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const error = await deliverJob(JOB_ARN, deps(), KNOWN).then(
      () => undefined,
      (thrown: unknown) => thrown as Error,
    );
    const ticketAfterError = pending();
    const retried = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(error?.name).toBe('ThrottlingException');
    expect(error?.message).toBe('Rate exceeded for token [redacted]');
    expect(containsSecret(String(error?.message), TOKEN)).toBe(false);
    expect(ticketAfterError).toEqual(JSON.parse(original?.body ?? 'null'));
    expect(ticketAfterError?.claim).toBeUndefined();
    expect(retried.outcome).toBe('delivered');
    expect(successCallsReceived()).toBe(2);
  });

  it('keeps the pending ticket that a retried create-job rewrote during the delivery', async () => {
    // Prepare: while this run records the delivery, a retried task writes its own token
    putFinishedJob();
    const retryToken = makeTaskToken(800, 'retry');
    fake.beforeS3(
      'PutObject',
      (input) => input.Key === ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'delivered'),
      () => {
        fake.putTicket(BUCKET, makeTicket({ taskToken: retryToken }));
      },
    );

    // Act
    const result = await deliverJob(JOB_ARN, deps(), KNOWN);
    const next = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(result.outcome).toBe('delivered');
    expect(delivered()?.marker).toBe(tokenMarker(retryToken));
    expect(next.outcome).toBe('delivered');
    expect(
      fake.sfnMock.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input.taskToken),
    ).toEqual([TOKEN, retryToken]);
    expect(pending()).toBeUndefined();
  });

  it('reports marked: false and logs when the delivery cannot be recorded', async () => {
    // Prepare
    putFinishedJob();
    fake.beforeS3(
      'PutObject',
      (input) => input.Key === ticketKey(MANAGED_BY_VALUE, JOB_NAME, 'delivered'),
      () => {
        throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
      },
    );
    const logs = captureLogs();

    // Act
    let result: Awaited<ReturnType<typeof deliverJob>>;
    try {
      result = await deliverJob(JOB_ARN, deps({ logger: logs.logger }), KNOWN);
    } finally {
      logs.restore();
    }

    // Assess
    expect(result).toMatchObject({ outcome: 'delivered', marked: false });
    expect(successCallsReceived()).toBe(1);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Could not record the delivery; a later run may send the result again',
        reason: 'AccessDenied',
      }),
    );
    expect(pending()?.claim?.marker).toBe(tokenMarker(TOKEN));
    expect(containsSecret(logs.text(), TOKEN)).toBe(false);
  });

  it('does not send again when an earlier run recorded the delivery but left the ticket', async () => {
    // Prepare: the first run sends and writes delivered/, then cannot remove the ticket
    putFinishedJob();
    let failDelete = true;
    fake.beforeS3(
      'DeleteObject',
      (input) => input.Key === PENDING_KEY && failDelete,
      () => {
        failDelete = false;
        throw Object.assign(new Error('Internal Error'), { name: 'InternalError' });
      },
    );
    const first = await deliverJob(JOB_ARN, deps(), KNOWN);
    setClock(after(NOW, DELIVERY_CLAIM_LEASE_MS + 1_000));

    // Act: a later run (after the claim's lease) finds the ticket again
    const second = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(first).toMatchObject({ outcome: 'delivered', marked: false });
    expect(second.outcome).toBe('already-delivered');
    expect(successCallsReceived()).toBe(1);
    expect(pending()).toBeUndefined();
    expect(delivered()?.marker).toBe(tokenMarker(TOKEN));
  });

  it('uses the ticket and description the caller already read', async () => {
    // Prepare
    putFinishedJob();
    const ticket = await readTicket(fake.clients.s3, BUCKET, MANAGED_BY_VALUE, JOB_NAME);
    const job = fake.describeJob(JOB_ARN);
    fake.s3Mock.resetHistory();

    // Act
    const result = await deliverJob(JOB_ARN, { clients: fake.clients }, { ticket, job });

    // Assess
    expect(result.outcome).toBe('delivered');
    expect(fake.bedrockMock).not.toHaveReceivedCommand(GetModelInvocationJobCommand);
    // The one read of the pending ticket is the check after the delivery, before its removal.
    const ticketReads = fake.s3Mock
      .commandCalls(GetObjectCommand)
      .filter((call) => call.args[0].input.Key === PENDING_KEY);
    const [claim] = fake.s3Mock.commandCalls(PutObjectCommand);
    expect(ticketReads).toHaveLength(1);
    expect(claim && ticketReads[0]?.calledAfter(claim)).toBe(true);
  });

  it('reads the job name from Bedrock when the caller does not know it', async () => {
    // Prepare
    putFinishedJob();

    // Act
    const result = await deliverJob(JOB_ARN, deps());

    // Assess
    expect(result.outcome).toBe('delivered');
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(GetModelInvocationJobCommand, 1);
  });

  it('does not count a delivery recorded for an earlier job of the same name', async () => {
    // Prepare: delivered/ names another job; this one has no pending ticket
    fake.putJob(toJobDescription(getTestEvent('get-job', 'completed')));
    fake.putTicket(
      BUCKET,
      {
        version: 1,
        owner: MANAGED_BY_VALUE,
        jobName: JOB_NAME,
        jobArn: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/earlierjob01',
        executionArn: makeTicket().executionArn,
        marker: tokenMarker(TOKEN),
        outcome: 'delivered',
        jobStatus: 'Completed',
        deliveredAt: '2026-11-01T00:00:00.000Z',
      } satisfies DeliveredTicket,
      'delivered',
    );

    // Act
    const result = await deliverJob(JOB_ARN, deps(), KNOWN);

    // Assess
    expect(result.outcome).toBe('not-ours');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('honours the claim of the schema fixture for five minutes, then takes it over', async () => {
    // Prepare: the claimed ticket fixture (claim at 00:31:00) and its finished job
    const ticket = getSchemaFixture<JobTicket>('job-ticket', 'valid-claimed');
    const jobArn = ticket.jobArn ?? '';
    fake.putJob({
      ...toJobDescription(getTestEvent('get-job', 'completed')),
      jobArn,
      jobName: ticket.jobName,
    });
    fake.putObjects(BUCKET, { [`output/${jobArn.slice(-12)}/records.jsonl.out`]: '' });
    fake.putTicket(BUCKET, ticket);
    const options = deps({ owner: ticket.owner });
    const known = { jobName: ticket.jobName };

    // Act
    setClock('2026-11-25T00:35:59.999Z');
    const during = await deliverJob(jobArn, options, known);
    setClock('2026-11-25T00:36:00.000Z');
    const afterLease = await deliverJob(jobArn, options, known);

    // Assess
    expect(during.outcome).toBe('in-delivery');
    expect(afterLease.outcome).toBe('delivered');
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: ticket.taskToken,
    });
  });
});
