import {
  ListModelInvocationJobsCommand,
  ListTagsForResourceCommand,
  StopModelInvocationJobCommand,
  TagResourceCommand,
} from '@aws-sdk/client-bedrock';
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
import { encodeTaskTokenTags, JobTagKey, MANAGED_BY_VALUE } from '@bedrock-batch/schema';
import { afterEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { deliveredMarker } from '../../src/job-tags.js';
import { reconcile } from '../../src/reconcile.js';
import { getTestEvent, makeTaskToken } from '../helpers/events.js';
import { createFakeAws, toJobDescription } from '../helpers/fake-bedrock.js';
import { ownedJobTags } from '../helpers/job-tags.js';
import { captureLogs, containsSecret } from '../helpers/log-capture.js';

const fake = createFakeAws();
const NOW = new Date('2026-11-25T12:00:00Z');
const PREFIX = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/';
const TOKENS = {
  inflight: makeTaskToken(800, 'inflight'),
  lost: makeTaskToken(800, 'lost'),
  orphan: makeTaskToken(800, 'orphan'),
};
const ORPHAN_EXECUTION =
  'arn:aws:states:us-east-1:123456789012:execution:ReviewsBatch:0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';

interface ListPage {
  invocationJobSummaries: Record<string, unknown>[];
  nextToken?: string;
}

/** Bedrock holds the four jobs of the list-jobs fixtures, listed over two pages. */
function putListedJobs() {
  const pages = [
    getTestEvent<ListPage>('list-jobs', 'page-1'),
    getTestEvent<ListPage>('list-jobs', 'page-2'),
  ];
  const [inflight, lost, orphan, foreign] = pages.flatMap((page) =>
    page.invocationJobSummaries.map((summary) => toJobDescription(summary)),
  );
  if (!inflight || !lost || !orphan || !foreign) throw new Error('test bug: fixtures changed');
  fake.putJob(inflight, ownedJobTags(TOKENS.inflight));
  fake.putJob(lost, ownedJobTags(TOKENS.lost));
  fake.putJob(orphan, ownedJobTags(TOKENS.orphan, MANAGED_BY_VALUE, ORPHAN_EXECUTION));
  fake.putJob(foreign, [{ key: 'team', value: 'other' }]);
  // Pages list the jobs as Bedrock describes them now (status changes show on the next run).
  fake.bedrockMock.on(ListModelInvocationJobsCommand).callsFake((input) => {
    const page = input.nextToken === 'page-2' ? pages[1] : pages[0];
    return {
      ...page,
      invocationJobSummaries: page?.invocationJobSummaries.map((summary) => ({
        ...fake.describeJob(String(summary.jobArn)),
        jobName: String(summary.jobName),
      })),
    };
  });
  fake.putObjects('my-batch-bucket', {
    'output/lostevent001/reviews-1.jsonl.out': '',
    'output/lostevent001/manifest.json.out': JSON.stringify(
      getTestEvent('manifest-out', 'complete'),
    ),
  });
  // The orphan's execution was aborted: Step Functions no longer knows its token.
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

describe('Function: reconcile', () => {
  afterEach(() => {
    fake.reset();
  });

  it('heartbeats jobs in flight, stops orphans, delivers lost results and returns the summary', async () => {
    // Prepare
    putListedJobs();

    // Act
    const summary = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(summary).toEqual({
      jobsSeen: 4,
      ours: 3,
      heartbeats: 1,
      deliveries: 1,
      stops: 1,
      waiting: 0,
      errors: 0,
    });
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, {
      taskToken: TOKENS.inflight,
    });
    expect(fake.sfnMock).toHaveReceivedCommandTimes(DescribeExecutionCommand, 1);
    expect(fake.sfnMock).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: ORPHAN_EXECUTION,
    });
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(StopModelInvocationJobCommand, 1);
    expect(fake.bedrockMock).toHaveReceivedCommandWith(StopModelInvocationJobCommand, {
      jobIdentifier: `${PREFIX}orphan000001`,
    });
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: TOKENS.lost,
    });
    expect(fake.tagsOf(`${PREFIX}lostevent001`)).toContainEqual({
      key: JobTagKey.Delivered,
      value: deliveredMarker(TOKENS.lost),
    });
  });

  it('lists jobs submitted within the lookback window, page by page', async () => {
    // Prepare
    putListedJobs();

    // Act
    await reconcile({ clients: fake.clients, now: NOW, lookbackHours: 24 });

    // Assess
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(ListModelInvocationJobsCommand, 2);
    expect(fake.bedrockMock).toHaveReceivedCommandWith(ListModelInvocationJobsCommand, {
      submitTimeAfter: new Date('2026-11-24T12:00:00Z'),
    });
  });

  it('uses a 192-hour window and 500 jobs by default', async () => {
    // Prepare
    putListedJobs();

    // Act
    await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(fake.bedrockMock).toHaveReceivedCommandWith(ListModelInvocationJobsCommand, {
      submitTimeAfter: new Date(NOW.getTime() - 192 * 3_600_000),
      maxResults: 100,
    });
  });

  it('looks at no more than maxJobs jobs per run', async () => {
    // Prepare
    putListedJobs();

    // Act
    const summary = await reconcile({ clients: fake.clients, now: NOW, maxJobs: 1 });

    // Assess
    expect(summary.jobsSeen).toBe(1);
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(ListModelInvocationJobsCommand, 1);
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 1);
  });

  it('is idempotent: a second run delivers and stops nothing more', async () => {
    // Prepare
    putListedJobs();
    await reconcile({ clients: fake.clients, now: NOW });

    // Act: the orphan is still stopping, then it has stopped
    const second = await reconcile({ clients: fake.clients, now: NOW });
    fake.updateJob(`${PREFIX}orphan000001`, { status: 'Stopped' });
    const third = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(second).toMatchObject({ deliveries: 0, stops: 0, heartbeats: 1, errors: 0 });
    expect(third).toMatchObject({ deliveries: 0, stops: 0, heartbeats: 1, errors: 0 });
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(fake.bedrockMock).toHaveReceivedCommandTimes(StopModelInvocationJobCommand, 1);
  });

  it('does not stop a job that is already stopping', async () => {
    // Prepare
    putListedJobs();
    fake.sfnMock
      .on(SendTaskHeartbeatCommand)
      .rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    fake.bedrockMock.on(ListModelInvocationJobsCommand).resolves({
      invocationJobSummaries: [
        {
          ...toJobDescription(getTestEvent('get-job', 'in-progress')),
          jobArn: `${PREFIX}orphan000001`,
          jobName: 'x',
          status: 'Stopping',
        },
      ],
    });

    // Act
    const summary = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(summary).toMatchObject({ ours: 1, stops: 0, errors: 0 });
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
  });

  it('counts one failing job as an error and goes on with the others', async () => {
    // Prepare
    putListedJobs();
    fake.bedrockMock
      .on(ListTagsForResourceCommand, { resourceARN: `${PREFIX}inflight0001` })
      .rejects(Object.assign(new Error('Internal failure'), { name: 'InternalServerException' }));

    // Act
    const summary = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(summary).toEqual({
      jobsSeen: 4,
      ours: 2,
      heartbeats: 0,
      deliveries: 1,
      stops: 1,
      waiting: 0,
      errors: 1,
    });
  });

  it('leaves jobs of another owner alone', async () => {
    // Prepare
    putListedJobs();

    // Act
    const summary = await reconcile({
      clients: fake.clients,
      now: NOW,
      owner: 'another-deployment',
    });

    // Assess
    expect(summary).toEqual({
      jobsSeen: 4,
      ours: 0,
      heartbeats: 0,
      deliveries: 0,
      stops: 0,
      waiting: 0,
      errors: 0,
    });
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
  });
});

describe('Function: reconcile, a dead task token while the execution may still claim the job', () => {
  const orphanArn = `${PREFIX}orphan000001`;

  afterEach(() => {
    fake.reset();
  });

  it('leaves the job alone while its execution is RUNNING, counts it as waiting and logs why at info', async () => {
    // Prepare
    putListedJobs();
    fake.putExecution(ORPHAN_EXECUTION, 'RUNNING');
    const logs = captureLogs();

    // Act
    let summary: Awaited<ReturnType<typeof reconcile>>;
    try {
      summary = await reconcile({ clients: fake.clients, now: NOW, logger: logs.logger });
    } finally {
      logs.restore();
    }

    // Assess
    expect(summary).toEqual({
      jobsSeen: 4,
      ours: 3,
      heartbeats: 1,
      deliveries: 1,
      stops: 0,
      waiting: 1,
      errors: 0,
    });
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
    expect(fake.describeJob(orphanArn).status).toBe('Scheduled');
    const line = logs
      .records()
      .find((record) => record.jobArn === orphanArn && record.level === 'INFO');
    expect(line).toMatchObject({
      level: 'INFO',
      executionArn: ORPHAN_EXECUTION,
      executionStatus: 'RUNNING',
      reason: 'TaskDoesNotExist',
    });
    expect(String(line?.message)).toContain('execution still runs');
    for (const token of Object.values(TOKENS))
      expect(containsSecret(logs.text(), token)).toBe(false);
  });

  it('leaves the job alone while a redrive of its execution is pending (PENDING_REDRIVE)', async () => {
    // Prepare
    putListedJobs();
    fake.putExecution(ORPHAN_EXECUTION, 'PENDING_REDRIVE');

    // Act
    const summary = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(summary).toMatchObject({ stops: 0, waiting: 1, errors: 0 });
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
  });

  it.each<ExecutionStatus>(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'])(
    'stops the job once its execution has ended (%s)',
    async (status) => {
      // Prepare
      putListedJobs();
      fake.putExecution(ORPHAN_EXECUTION, status);

      // Act
      const summary = await reconcile({ clients: fake.clients, now: NOW });

      // Assess
      expect(summary).toMatchObject({ stops: 1, waiting: 0, errors: 0 });
      expect(fake.bedrockMock).toHaveReceivedCommandWith(StopModelInvocationJobCommand, {
        jobIdentifier: orphanArn,
      });
    },
  );

  it('stops the job when Step Functions does not know its execution (ExecutionDoesNotExist)', async () => {
    // Prepare: the fake knows no execution of that ARN
    putListedJobs();
    fake.bedrockMock.on(ListModelInvocationJobsCommand).resolves({
      invocationJobSummaries: [{ ...fake.describeJob(orphanArn), jobName: 'reviews-2' }],
    });
    fake.putJob(
      fake.describeJob(orphanArn),
      ownedJobTags(TOKENS.orphan, MANAGED_BY_VALUE, `${ORPHAN_EXECUTION}-gone`),
    );

    // Act
    const summary = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(summary).toMatchObject({ ours: 1, stops: 1, waiting: 0, errors: 0 });
    expect(fake.sfnMock).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: `${ORPHAN_EXECUTION}-gone`,
    });
    expect(fake.bedrockMock).toHaveReceivedCommandWith(StopModelInvocationJobCommand, {
      jobIdentifier: orphanArn,
    });
  });

  it('stops the job when its execution-ARN tag is no execution ARN (InvalidArn)', async () => {
    // Prepare
    putListedJobs();
    fake.sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new InvalidArn({ message: 'Invalid Arn', $metadata: { httpStatusCode: 400 } }));

    // Act
    const summary = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(summary).toMatchObject({ stops: 1, waiting: 0, errors: 0 });
  });

  it('stops a job without an execution-ARN tag as before, without asking Step Functions', async () => {
    // Prepare
    putListedJobs();
    fake.putJob(
      fake.describeJob(orphanArn),
      ownedJobTags(TOKENS.orphan).filter((tag) => tag.key !== JobTagKey.ExecutionArn),
    );

    // Act
    const summary = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(summary).toMatchObject({ stops: 1, waiting: 0, errors: 0 });
    expect(fake.sfnMock).not.toHaveReceivedCommand(DescribeExecutionCommand);
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
      putListedJobs();
      fake.sfnMock.on(DescribeExecutionCommand).rejects(failure);

      // Act
      const summary = await reconcile({ clients: fake.clients, now: NOW });

      // Assess
      expect(summary).toEqual({
        jobsSeen: 4,
        ours: 3,
        heartbeats: 1,
        deliveries: 1,
        stops: 0,
        waiting: 0,
        errors: 1,
      });
      expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
    },
  );

  it('heartbeats the job on the next run once the retried task re-tagged it with its new token', async () => {
    // Prepare: the previous attempt's token is dead, the execution runs the retry
    putListedJobs();
    fake.putExecution(ORPHAN_EXECUTION, 'RUNNING');
    const first = await reconcile({ clients: fake.clients, now: NOW });
    const retryToken = makeTaskToken(800, 'retry');
    await fake.clients.bedrock.send(
      new TagResourceCommand({ resourceARN: orphanArn, tags: encodeTaskTokenTags(retryToken) }),
    );

    // Act
    const second = await reconcile({ clients: fake.clients, now: NOW });

    // Assess
    expect(first).toMatchObject({ heartbeats: 1, stops: 0, waiting: 1 });
    expect(second).toMatchObject({ heartbeats: 2, stops: 0, waiting: 0, errors: 0 });
    expect(fake.sfnMock).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, {
      taskToken: retryToken,
    });
    expect(fake.bedrockMock).not.toHaveReceivedCommand(StopModelInvocationJobCommand);
  });
});
