import {
  GetModelInvocationJobCommand,
  type GetModelInvocationJobResponse,
  ListModelInvocationJobsCommand,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  InvalidArn,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  type DeliveredTicket,
  type JobTicket,
  MANAGED_BY_VALUE,
  ticketFolder,
  ticketKey,
} from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { tokenMarker } from '../../src/job-tickets.js';
import { type ReconcileSummary, reconcile } from '../../src/reconcile.js';
import { after, fixClock, releaseClock } from '../helpers/clock.js';
import { getTestEvent, makeTaskToken } from '../helpers/events.js';
import { createFakeAws, toJobDescription } from '../helpers/fake-bedrock.js';
import { captureLogs, containsSecret } from '../helpers/log-capture.js';
import { BUCKET, EXECUTION_ARN, makeTicket } from '../helpers/tickets.js';

const fake = createFakeAws();
const NOW = new Date('2026-11-25T12:00:00Z');
const PREFIX = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/';
const INFLIGHT = `${PREFIX}inflight0001`;
const LOST = `${PREFIX}lostevent001`;
const ORPHAN = `${PREFIX}orphan000001`;
const TOKENS = {
  inflight: makeTaskToken(800, 'inflight'),
  lost: makeTaskToken(800, 'lost'),
  orphan: makeTaskToken(800, 'orphan'),
};
const ORPHAN_EXECUTION =
  'arn:aws:states:us-east-1:123456789012:execution:ReviewsBatch:0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
/** Two hours before NOW: the tickets of jobs that exist. */
const CREATED_AT = after(NOW, -2 * 3_600_000).toISOString();
const EMPTY: ReconcileSummary = {
  tickets: 0,
  heartbeats: 0,
  deliveries: 0,
  stops: 0,
  waiting: 0,
  abandoned: 0,
  errors: 0,
};

interface ListPage {
  invocationJobSummaries: Record<string, unknown>[];
}

/** The four jobs of the list-jobs fixtures: in flight, finished, orphaned, someone else's. */
function fixtureJobs(): GetModelInvocationJobResponse[] {
  return [
    getTestEvent<ListPage>('list-jobs', 'page-1'),
    getTestEvent<ListPage>('list-jobs', 'page-2'),
  ].flatMap((page) => page.invocationJobSummaries.map((summary) => toJobDescription(summary)));
}

/** A pending ticket of ours for a fixture job. */
function ticketFor(jobArn: string, fields: Partial<JobTicket> = {}): JobTicket {
  const job = fixtureJobs().find((candidate) => candidate.jobArn === jobArn);
  if (job?.jobName === undefined) throw new Error(`test bug: no fixture job ${jobArn}`);
  return makeTicket({ jobArn, jobName: job.jobName, createdAt: CREATED_AT, ...fields });
}

/**
 * Bedrock holds the four fixture jobs; our three have pending tickets (the orphan's execution
 * was aborted: Step Functions no longer knows its token); the finished one has its output.
 */
function putOurJobs() {
  for (const job of fixtureJobs()) fake.putJob(job);
  fake.putTicket(BUCKET, ticketFor(INFLIGHT, { taskToken: TOKENS.inflight }));
  fake.putTicket(BUCKET, ticketFor(LOST, { taskToken: TOKENS.lost }));
  fake.putTicket(
    BUCKET,
    ticketFor(ORPHAN, { taskToken: TOKENS.orphan, executionArn: ORPHAN_EXECUTION }),
  );
  fake.putObjects(BUCKET, {
    'output/lostevent001/reviews-1.jsonl.out': '',
    'output/lostevent001/manifest.json.out': JSON.stringify(
      getTestEvent('manifest-out', 'complete'),
    ),
  });
  fake.putExecution(ORPHAN_EXECUTION, 'ABORTED');
  const deadForOrphan = (input: { taskToken?: string | undefined }) => {
    if (input.taskToken === TOKENS.orphan) {
      throw new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} });
    }
    return {};
  };
  fake.sfnMock.on(SendTaskHeartbeatCommand).callsFake(deadForOrphan);
  fake.sfnMock.on(SendTaskSuccessCommand).callsFake(deadForOrphan);
  fake.sfnMock.on(SendTaskFailureCommand).callsFake(deadForOrphan);
}

function run(extra: Partial<Parameters<typeof reconcile>[0]> = {}) {
  return reconcile({ clients: fake.clients, controlBuckets: [BUCKET], now: NOW, ...extra });
}

function pendingNames(owner = MANAGED_BY_VALUE): string[] {
  const folder = ticketFolder(owner, 'pending');
  return fake.listKeys(BUCKET, folder).map((key) => key.slice(folder.length, -'.json'.length));
}

describe('Function: reconcile', () => {
  beforeEach(() => {
    fixClock(NOW);
  });

  afterEach(() => {
    releaseClock();
    fake.reset();
  });

  it('heartbeats jobs in flight, stops orphans, delivers lost results and returns the summary', async () => {
    // Prepare
    putOurJobs();

    // Act
    const summary = await run();

    // Assess
    expect(summary).toEqual({ ...EMPTY, tickets: 3, heartbeats: 1, deliveries: 1, stops: 1 });
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, {
      taskToken: TOKENS.inflight,
    });
    expect(fake.sfnMock).toHaveReceivedCommandTimes(DescribeExecutionCommand, 1);
    expect(fake.sfnMock).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: ORPHAN_EXECUTION,
    });
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(StopModelInvocationJobCommand, 1);
    expect(fake.bedrockMock).toHaveReceivedCommandWith(StopModelInvocationJobCommand, {
      jobIdentifier: ORPHAN,
    });
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: TOKENS.lost,
    });
    expect(
      fake.ticketOf<DeliveredTicket>(BUCKET, MANAGED_BY_VALUE, 'reviews-1', 'delivered'),
    ).toMatchObject({ jobArn: LOST, marker: tokenMarker(TOKENS.lost), outcome: 'delivered' });
    expect(pendingNames()).toEqual(['reviews-0', 'reviews-2']);
    expect(fake.tagCallsReceived()).toEqual([]);
  });

  it('looks only at our pending tickets: one GetModelInvocationJob each, whatever else the account holds', async () => {
    // Prepare: 2,000 jobs of others in Bedrock, 2,000 tickets of another owner and 500 of our
    // delivered tickets in the same bucket, and tag calls that fail
    putOurJobs();
    fake.failTagOperations();
    for (let index = 0; index < 2_000; index += 1) {
      const jobId = `foreign${String(index).padStart(5, '0')}`;
      fake.putJob({
        ...toJobDescription(getTestEvent('get-job', 'in-progress')),
        jobArn: `${PREFIX}${jobId}`,
        jobName: `reviews-${index}`,
      });
      fake.putTicket(
        BUCKET,
        makeTicket({
          owner: 'another-deployment',
          jobName: `reviews-${index}`,
          jobArn: `${PREFIX}${jobId}`,
        }),
      );
    }
    for (let index = 0; index < 500; index += 1) {
      fake.putObject(
        BUCKET,
        ticketKey(MANAGED_BY_VALUE, `done-${index}`, 'delivered'),
        '{"version":1}',
      );
    }

    // Act
    const summary = await run();

    // Assess
    expect(summary).toMatchObject({
      tickets: 3,
      heartbeats: 1,
      deliveries: 1,
      stops: 1,
      errors: 0,
    });
    const described = fake.bedrockMock
      .commandCalls(GetModelInvocationJobCommand)
      .map((call) => call.args[0].input.jobIdentifier)
      .sort();
    expect(described).toEqual([INFLIGHT, LOST, ORPHAN]);
    expect(fake.bedrockMock).not.toHaveReceivedCommand(ListModelInvocationJobsCommand);
    const listings = fake.s3Mock
      .commandCalls(ListObjectsV2Command)
      .map((call) => call.args[0].input.Prefix);
    expect(listings).toEqual([ticketFolder(MANAGED_BY_VALUE, 'pending'), 'output/lostevent001/']);
  });

  it('lists the pending tickets page by page', async () => {
    // Prepare: five jobs in flight, listed two per page
    for (let index = 0; index < 5; index += 1) {
      const jobArn = `${PREFIX}inflight000${index}`;
      fake.putJob({
        ...toJobDescription(getTestEvent('get-job', 'in-progress')),
        jobArn,
        jobName: `reviews-${index}`,
      });
      fake.putTicket(
        BUCKET,
        makeTicket({ jobArn, jobName: `reviews-${index}`, createdAt: CREATED_AT }),
      );
    }
    fake.putObjects(BUCKET, {}, 2);

    // Act
    const summary = await run();

    // Assess
    expect(summary).toEqual({ ...EMPTY, tickets: 5, heartbeats: 5 });
    expect(fake.s3Mock).toHaveReceivedCommandTimes(ListObjectsV2Command, 3);
  });

  it('is idempotent: later runs deliver and stop nothing more, and finish the orphan', async () => {
    // Prepare
    putOurJobs();
    await run();

    // Act: the orphan is still stopping, then it has stopped
    const second = await run();
    fake.updateJob(ORPHAN, { status: 'Stopped' });
    const third = await run();
    const fourth = await run();

    // Assess
    expect(second).toEqual({ ...EMPTY, tickets: 2, heartbeats: 1 });
    // The stopped orphan's result goes to its dead token: done, ticket moved to delivered/.
    expect(third).toEqual({ ...EMPTY, tickets: 2, heartbeats: 1 });
    expect(fourth).toEqual({ ...EMPTY, tickets: 1, heartbeats: 1 });
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(StopModelInvocationJobCommand, 1);
    expect(
      fake.ticketOf<DeliveredTicket>(BUCKET, MANAGED_BY_VALUE, 'reviews-2', 'delivered'),
    ).toMatchObject({ jobArn: ORPHAN, outcome: 'token-not-waiting', jobStatus: 'Stopped' });
    expect(pendingNames()).toEqual(['reviews-0']);
  });

  it('does not stop a job that is already stopping', async () => {
    // Prepare
    putOurJobs();
    fake.updateJob(ORPHAN, { status: 'Stopping' });
    fake.sfnMock
      .on(SendTaskHeartbeatCommand, { taskToken: TOKENS.orphan })
      .rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));

    // Act
    const summary = await run();

    // Assess
    expect(summary).toEqual({ ...EMPTY, tickets: 3, heartbeats: 1, deliveries: 1 });
    expect(fake.sfnMock).not.toHaveReceivedCommand(DescribeExecutionCommand);
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
  });

  it('counts one failing ticket as an error and goes on with the others', async () => {
    // Prepare
    putOurJobs();
    fake.bedrockMock
      .on(GetModelInvocationJobCommand, { jobIdentifier: INFLIGHT })
      .rejects(Object.assign(new Error('Internal failure'), { name: 'InternalServerException' }));

    // Act
    const summary = await run();

    // Assess
    expect(summary).toEqual({ ...EMPTY, tickets: 3, deliveries: 1, stops: 1, errors: 1 });
  });

  it('counts an unreadable ticket as an error, logging it without its content', async () => {
    // Prepare
    putOurJobs();
    const secret = makeTaskToken(900, 'broken');
    fake.putObject(
      BUCKET,
      ticketKey(MANAGED_BY_VALUE, 'broken-job', 'pending'),
      `{"taskToken":"${secret}"`,
    );
    const logs = captureLogs();

    // Act
    let summary: ReconcileSummary;
    try {
      summary = await run({ logger: logs.logger });
    } finally {
      logs.restore();
    }

    // Assess
    expect(summary).toEqual({
      ...EMPTY,
      tickets: 4,
      heartbeats: 1,
      deliveries: 1,
      stops: 1,
      errors: 1,
    });
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', jobName: 'broken-job' }),
    );
    expect(containsSecret(logs.text(), secret)).toBe(false);
  });

  it('counts a heartbeat Step Functions refuses for another reason as an error, without the token', async () => {
    // Prepare
    putOurJobs();
    fake.sfnMock.on(SendTaskHeartbeatCommand, { taskToken: TOKENS.inflight }).rejects(
      Object.assign(new Error(`Rate exceeded for ${TOKENS.inflight}`), {
        name: 'ThrottlingException',
      }),
    );
    const logs = captureLogs();

    // Act
    let summary: ReconcileSummary;
    try {
      summary = await run({ logger: logs.logger });
    } finally {
      logs.restore();
    }

    // Assess
    expect(summary).toMatchObject({ heartbeats: 0, errors: 1, stops: 1 });
    expect(fake.bedrockMock).not.toHaveReceivedCommandWith(StopModelInvocationJobCommand, {
      jobIdentifier: INFLIGHT,
    });
    expect(logs.text()).toContain('Rate exceeded for [redacted]');
    for (const token of Object.values(TOKENS)) {
      expect(containsSecret(logs.text(), token)).toBe(false);
    }
  });

  it('leaves the tickets of another owner alone', async () => {
    // Prepare
    putOurJobs();

    // Act
    const summary = await run({ owner: 'another-deployment' });

    // Assess
    expect(summary).toEqual(EMPTY);
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
  });

  it('warns and does nothing when no control bucket is configured', async () => {
    // Prepare
    putOurJobs();
    const logs = captureLogs();

    // Act
    let summaries: ReconcileSummary[];
    try {
      summaries = [
        await reconcile({ clients: fake.clients, now: NOW, logger: logs.logger }),
        await run({ controlBuckets: [], logger: logs.logger }),
      ];
    } finally {
      logs.restore();
    }

    // Assess
    expect(summaries).toEqual([EMPTY, EMPTY]);
    expect(
      logs
        .records()
        .filter(
          (record) => record.message === 'No control buckets are configured; nothing to reconcile',
        ),
    ).toHaveLength(2);
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('looks in every control bucket', async () => {
    // Prepare: a second bucket holds one more job in flight
    putOurJobs();
    const jobArn = `${PREFIX}otherbucket1`;
    fake.putJob({
      ...toJobDescription(getTestEvent('get-job', 'in-progress')),
      jobArn,
      jobName: 'reviews-9',
    });
    fake.putTicket(
      'second-bucket',
      makeTicket({ jobArn, jobName: 'reviews-9', createdAt: CREATED_AT }),
    );

    // Act
    const summary = await run({ controlBuckets: [BUCKET, 'second-bucket'] });

    // Assess
    expect(summary).toEqual({ ...EMPTY, tickets: 4, heartbeats: 2, deliveries: 1, stops: 1 });
  });

  describe('a ticket without a job ARN (create-job stopped before it wrote it)', () => {
    it('finds the job by its exact name and heartbeats it', async () => {
      // Prepare: a job whose name contains ours is listed first
      fake.putJob({
        ...toJobDescription(getTestEvent('get-job', 'in-progress')),
        jobArn: `${PREFIX}decoy0000001`,
        jobName: 'reviews-0-copy',
      });
      putOurJobs();
      fake.putTicket(
        BUCKET,
        ticketFor(INFLIGHT, { taskToken: TOKENS.inflight, jobArn: undefined }),
      );

      // Act
      const summary = await run();

      // Assess
      expect(summary).toMatchObject({ tickets: 3, heartbeats: 1, errors: 0 });
      expect(fake.bedrockMock).toHaveReceivedCommandTimes(ListModelInvocationJobsCommand, 1);
      expect(fake.bedrockMock).toHaveReceivedCommandWith(ListModelInvocationJobsCommand, {
        nameContains: 'reviews-0',
      });
      expect(fake.bedrockMock).toHaveReceivedCommandWith(GetModelInvocationJobCommand, {
        jobIdentifier: INFLIGHT,
      });
      expect(fake.bedrockMock).not.toHaveReceivedCommandWith(GetModelInvocationJobCommand, {
        jobIdentifier: `${PREFIX}decoy0000001`,
      });
      expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, {
        taskToken: TOKENS.inflight,
      });
    });

    it('finds a finished job by its name and delivers its result', async () => {
      // Prepare
      putOurJobs();
      fake.putTicket(BUCKET, ticketFor(LOST, { taskToken: TOKENS.lost, jobArn: undefined }));

      // Act
      const summary = await run();

      // Assess
      expect(summary).toMatchObject({ deliveries: 1, errors: 0 });
      expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
        taskToken: TOKENS.lost,
      });
      expect(
        fake.ticketOf<DeliveredTicket>(BUCKET, MANAGED_BY_VALUE, 'reviews-1', 'delivered')?.jobArn,
      ).toBe(LOST);
    });

    it.each([
      ['within the 15-minute grace', 14 * 60_000 + 59_999, 'ABORTED' as const],
      ['while its execution runs', 15 * 60_000, 'RUNNING' as const],
      ['while a redrive of its execution is pending', 60 * 60_000, 'PENDING_REDRIVE' as const],
    ])('keeps the ticket of a job never created %s', async (_case, age, status) => {
      // Prepare
      fake.putExecution(EXECUTION_ARN, status);
      fake.putTicket(
        BUCKET,
        makeTicket({
          jobName: 'never-created',
          jobArn: undefined,
          createdAt: after(NOW, -age).toISOString(),
        }),
      );

      // Act
      const summary = await run();

      // Assess
      expect(summary).toEqual({ ...EMPTY, tickets: 1 });
      expect(pendingNames()).toEqual(['never-created']);
      expect(fake.s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
    });

    it.each<[string, ExecutionStatus | undefined]>([
      ['ABORTED', 'ABORTED'],
      ['SUCCEEDED', 'SUCCEEDED'],
      ['FAILED', 'FAILED'],
      ['TIMED_OUT', 'TIMED_OUT'],
      ['unknown to Step Functions', undefined],
    ])(
      'removes the ticket of a job never created once the grace is over and its execution ended (%s)',
      async (_case, status) => {
        // Prepare
        if (status !== undefined) fake.putExecution(EXECUTION_ARN, status);
        fake.putTicket(
          BUCKET,
          makeTicket({
            jobName: 'never-created',
            jobArn: undefined,
            createdAt: after(NOW, -15 * 60_000).toISOString(),
          }),
        );

        // Act
        const summary = await run();

        // Assess
        expect(summary).toEqual({ ...EMPTY, tickets: 1, abandoned: 1 });
        expect(pendingNames()).toEqual([]);
        expect(fake.sfnMock).not.toHaveReceivedCommand(SendTaskFailureCommand);
      },
    );

    it('removes the ticket of a job Bedrock no longer knows, once its execution ended', async () => {
      // Prepare: the ticket names a job ARN, but there is no such job
      fake.putExecution(EXECUTION_ARN, 'ABORTED');
      fake.putTicket(BUCKET, makeTicket({ jobName: 'gone', createdAt: CREATED_AT }));

      // Act
      const summary = await run();

      // Assess
      expect(summary).toEqual({ ...EMPTY, tickets: 1, abandoned: 1 });
      expect(pendingNames()).toEqual([]);
    });
  });
});

describe('Function: reconcile, a dead task token while the execution may still claim the job', () => {
  beforeEach(() => {
    fixClock(NOW);
  });

  afterEach(() => {
    releaseClock();
    fake.reset();
  });

  it('leaves the job alone while its execution is RUNNING, counts it as waiting and logs why at info', async () => {
    // Prepare
    putOurJobs();
    fake.putExecution(ORPHAN_EXECUTION, 'RUNNING');
    const logs = captureLogs();

    // Act
    let summary: ReconcileSummary;
    try {
      summary = await run({ logger: logs.logger });
    } finally {
      logs.restore();
    }

    // Assess
    expect(summary).toEqual({ ...EMPTY, tickets: 3, heartbeats: 1, deliveries: 1, waiting: 1 });
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
    expect(fake.describeJob(ORPHAN).status).toBe('Scheduled');
    const line = logs
      .records()
      .find((record) => record.jobArn === ORPHAN && record.level === 'INFO');
    expect(line).toMatchObject({
      level: 'INFO',
      executionArn: ORPHAN_EXECUTION,
      executionStatus: 'RUNNING',
      reason: 'TaskDoesNotExist',
    });
    expect(String(line?.message)).toContain('execution still runs');
    for (const token of Object.values(TOKENS)) {
      expect(containsSecret(logs.text(), token)).toBe(false);
    }
  });

  it('leaves the job alone while a redrive of its execution is pending (PENDING_REDRIVE)', async () => {
    // Prepare
    putOurJobs();
    fake.putExecution(ORPHAN_EXECUTION, 'PENDING_REDRIVE');

    // Act
    const summary = await run();

    // Assess
    expect(summary).toMatchObject({ stops: 0, waiting: 1, errors: 0 });
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
  });

  it.each<ExecutionStatus>(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'])(
    'stops the job once its execution has ended (%s)',
    async (status) => {
      // Prepare
      putOurJobs();
      fake.putExecution(ORPHAN_EXECUTION, status);

      // Act
      const summary = await run();

      // Assess
      expect(summary).toMatchObject({ stops: 1, waiting: 0, errors: 0 });
      expect(fake.bedrockMock).toHaveReceivedCommandWith(StopModelInvocationJobCommand, {
        jobIdentifier: ORPHAN,
      });
    },
  );

  it('stops the job when Step Functions does not know its execution (ExecutionDoesNotExist)', async () => {
    // Prepare: the fake knows no execution of that ARN
    putOurJobs();
    fake.putTicket(
      BUCKET,
      ticketFor(ORPHAN, { taskToken: TOKENS.orphan, executionArn: `${ORPHAN_EXECUTION}-gone` }),
    );

    // Act
    const summary = await run();

    // Assess
    expect(summary).toMatchObject({ stops: 1, waiting: 0, errors: 0 });
    expect(fake.sfnMock).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: `${ORPHAN_EXECUTION}-gone`,
    });
    expect(fake.bedrockMock).toHaveReceivedCommandWith(StopModelInvocationJobCommand, {
      jobIdentifier: ORPHAN,
    });
  });

  it('stops the job when Step Functions calls its execution ARN invalid (InvalidArn)', async () => {
    // Prepare
    putOurJobs();
    fake.sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new InvalidArn({ message: 'Invalid Arn', $metadata: { httpStatusCode: 400 } }));

    // Act
    const summary = await run();

    // Assess
    expect(summary).toMatchObject({ stops: 1, waiting: 0, errors: 0 });
  });

  it.each([
    [
      'throttled',
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      }),
    ],
    [
      'failing',
      Object.assign(new Error('Internal failure'), {
        name: 'InternalServerError',
        $metadata: { httpStatusCode: 500 },
      }),
    ],
  ])(
    'fails that job only when DescribeExecution is %s: not stopped this run, counted as an error, the others go on',
    async (_, failure) => {
      // Prepare
      putOurJobs();
      fake.sfnMock.on(DescribeExecutionCommand).rejects(failure);

      // Act
      const summary = await run();

      // Assess
      expect(summary).toEqual({ ...EMPTY, tickets: 3, heartbeats: 1, deliveries: 1, errors: 1 });
      expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
      expect(pendingNames()).toEqual(['reviews-0', 'reviews-2']);
    },
  );

  it('heartbeats the job on the next run once the retried task wrote its new token into the ticket', async () => {
    // Prepare: the previous attempt's token is dead, the execution runs the retry
    putOurJobs();
    fake.putExecution(ORPHAN_EXECUTION, 'RUNNING');
    const first = await run();
    const retryToken = makeTaskToken(800, 'retry');
    fake.putTicket(
      BUCKET,
      ticketFor(ORPHAN, {
        taskToken: retryToken,
        executionArn: ORPHAN_EXECUTION,
        createdAt: NOW.toISOString(),
      }),
    );

    // Act
    const second = await run();

    // Assess
    expect(first).toMatchObject({ heartbeats: 1, stops: 0, waiting: 1 });
    expect(second).toEqual({ ...EMPTY, tickets: 2, heartbeats: 2 });
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, {
      taskToken: retryToken,
    });
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
  });
});
