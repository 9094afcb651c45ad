import { CreateModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  BatchErrorName,
  type CreateJobPayload,
  type JobTicket,
  MANAGED_BY_VALUE,
} from '@bedrock-batch/schema';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import 'aws-sdk-client-mock-jest';
import { makeCreateJobHandler } from '../../src/handlers/create-job.js';
import { handler as jobEventHandler, makeJobEventHandler } from '../../src/handlers/job-event.js';
import { makeReconcileHandler } from '../../src/handlers/reconcile.js';
import { after, fixClock, releaseClock } from '../helpers/clock.js';
import { lambdaContext } from '../helpers/context.js';
import { getTestEvent, makeTaskToken } from '../helpers/events.js';
import { createFakeAws, toJobDescription } from '../helpers/fake-bedrock.js';
import { captureLogs, containsSecret } from '../helpers/log-capture.js';
import { rejection } from '../helpers/rejection.js';
import { BUCKET, JOB_ARN, JOB_NAME, makeTicket } from '../helpers/tickets.js';

const fake = createFakeAws();
const NOW = new Date('2026-11-25T12:00:00Z');
let capture: ReturnType<typeof captureLogs> | undefined;

function startCapture(env: Record<string, string> = {}) {
  capture = captureLogs(env);
  return capture;
}

beforeEach(() => {
  fixClock(NOW);
});

afterEach(() => {
  capture?.restore();
  capture = undefined;
  releaseClock();
  fake.reset();
});

describe('Handler: create-job', () => {
  it('logs the Lambda context, execution and job ARN, and never the task token', async () => {
    // Prepare: even with event logging switched on by environment
    const logs = startCapture({ POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    const event = {
      ...getTestEvent<CreateJobPayload>('create-job', 'valid'),
      taskToken: makeTaskToken(2048),
    };
    const handler = makeCreateJobHandler({ clients: fake.clients, logger: logs.logger });

    // Act
    const result = await handler(event, lambdaContext);

    // Assess
    expect(result).toEqual({
      jobArn: expect.stringContaining(':model-invocation-job/'),
      replayed: false,
    });
    const created = logs.records().find((record) => record.message === 'Created Bedrock batch job');
    expect(created).toMatchObject({
      jobArn: result.jobArn,
      executionArn: event.executionArn,
      function_request_id: lambdaContext.awsRequestId,
    });
    expect(logs.records().every((record) => record.executionArn === event.executionArn)).toBe(true);
    expect(containsSecret(logs.text(), event.taskToken)).toBe(false);
  });

  it('uses BEDROCK_BATCH_OWNER for the owner tag and the ticket folder', async () => {
    // Prepare
    const logs = startCapture();
    const handler = makeCreateJobHandler({
      clients: fake.clients,
      logger: logs.logger,
      env: { BEDROCK_BATCH_OWNER: 'team-a' },
    });

    // Act
    const { jobArn } = await handler(getTestEvent('create-job', 'valid'), lambdaContext);

    // Assess
    expect(fake.tagsOf(jobArn)).toContainEqual({
      key: 'bedrock-batch:managed-by',
      value: 'team-a',
    });
    const jobName = fake.describeJob(jobArn).jobName ?? '';
    expect(fake.ticketOf<JobTicket>(BUCKET, 'team-a', jobName)?.jobArn).toBe(jobArn);
    expect(fake.ticketOf<JobTicket>(BUCKET, MANAGED_BY_VALUE, jobName)).toBeUndefined();
  });

  it('throws BedrockBatch.InvalidInput for a bad payload and logs it without the token', async () => {
    // Prepare
    const logs = startCapture();
    const event = getTestEvent<CreateJobPayload>('create-job', 'invalid');
    const handler = makeCreateJobHandler({ clients: fake.clients, logger: logs.logger });

    // Act
    const error = await rejection(handler(event, lambdaContext));

    // Assess
    expect(error.name).toBe(BatchErrorName.InvalidInput);
    const failure = logs.records().find((record) => record.message === 'Invocation failed');
    expect(failure).toMatchObject({ errorName: BatchErrorName.InvalidInput, level: 'ERROR' });
    expect(containsSecret(logs.text(), event.taskToken)).toBe(false);
    expect(containsSecret(error.message, event.taskToken)).toBe(false);
  });

  it('throws a ConfigurationError naming a bad environment value, before any AWS call', async () => {
    // Prepare
    const logs = startCapture();
    const handler = makeCreateJobHandler({
      clients: fake.clients,
      logger: logs.logger,
      env: { BEDROCK_BATCH_OWNER: 'team#1' },
    });

    // Act
    const error = await rejection(handler(getTestEvent('create-job', 'valid'), lambdaContext));

    // Assess
    expect(error.name).toBe('BedrockBatch.ConfigurationError');
    expect(fake.bedrockMock).not.toHaveReceivedCommand(CreateModelInvocationJobCommand);
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
  });
});

describe('Handler: job-event', () => {
  it('logs the job ARN and execution, never the token or record contents', async () => {
    // Prepare
    const logs = startCapture({ POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    const token = makeTaskToken(2048, 'event');
    fake.putJob(toJobDescription(getTestEvent('get-job', 'completed')));
    fake.putTicket(BUCKET, makeTicket({ taskToken: token }));
    fake.putObjects(BUCKET, {
      'output/abcdefghijkl/reviews-1.jsonl.out': JSON.stringify(
        getTestEvent('output-record', 'success'),
      ),
      'output/abcdefghijkl/manifest.json.out': JSON.stringify(
        getTestEvent('manifest-out', 'complete'),
      ),
    });
    const handler = makeJobEventHandler({
      clients: fake.clients,
      logger: logs.logger,
      env: { BEDROCK_BATCH_CONTROL_BUCKETS: BUCKET },
    });

    // Act
    const result = await handler(getTestEvent('job-state-change', 'completed'), lambdaContext);

    // Assess
    expect(result.outcome).toBe('delivered');
    expect(fake.sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    const records = logs.records();
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((record) => record.jobArn === JOB_ARN)).toBe(true);
    expect(records.find((record) => record.message === 'Delivered job result')).toMatchObject({
      executionArn: expect.stringContaining(':execution:ReviewsBatch:'),
      level: 'INFO',
    });
    expect(containsSecret(logs.text(), token)).toBe(false);
    expect(logs.text()).not.toContain('SECRET-RECORD-CONTENT');
  });

  it('looks for tickets in BEDROCK_BATCH_CONTROL_BUCKETS only', async () => {
    // Prepare: the ticket is in the output bucket, the environment names another bucket
    const logs = startCapture();
    fake.putJob(toJobDescription(getTestEvent('get-job', 'completed')));
    fake.putTicket(BUCKET, makeTicket());
    const handler = makeJobEventHandler({
      clients: fake.clients,
      logger: logs.logger,
      env: { BEDROCK_BATCH_CONTROL_BUCKETS: 'another-bucket' },
    });

    // Act
    const result = await handler(getTestEvent('job-state-change', 'completed'), lambdaContext);

    // Assess
    expect(result.outcome).toBe('not-ours');
    expect(fake.sfnMock).not.toHaveReceivedAnyCommand();
    expect(fake.ticketOf<JobTicket>(BUCKET, MANAGED_BY_VALUE, JOB_NAME)).toBeDefined();
  });

  it('returns without error for an event that does not parse, logging a warning', async () => {
    // Prepare
    const logs = startCapture();
    const handler = makeJobEventHandler({ clients: fake.clients, logger: logs.logger });

    // Act
    const result = await handler(
      getTestEvent('job-state-change', 'not-a-job-event'),
      lambdaContext,
    );

    // Assess
    expect(result.outcome).toBe('ignored');
    expect(logs.records().some((record) => record.level === 'WARN')).toBe(true);
  });

  it('is exported ready to deploy as `handler`', async () => {
    // Act
    const result = await jobEventHandler(
      getTestEvent('job-state-change', 'not-a-job-event'),
      lambdaContext,
    );

    // Assess
    expect(result.outcome).toBe('ignored');
    expect(fake.bedrockMock).not.toHaveReceivedAnyCommand();
  });
});

describe('Handler: reconcile', () => {
  it('reads its owner and control buckets from the environment and logs one summary line', async () => {
    // Prepare
    const logs = startCapture();
    const token = makeTaskToken(2048, 'reconcile');
    fake.putJob(toJobDescription(getTestEvent('get-job', 'in-progress')));
    fake.putTicket(
      BUCKET,
      makeTicket({
        taskToken: token,
        owner: 'team-b',
        createdAt: after(NOW, -3_600_000).toISOString(),
      }),
    );
    fake.putTicket(BUCKET, makeTicket({ taskToken: makeTaskToken(900, 'default-owner') }));
    const handler = makeReconcileHandler({
      clients: fake.clients,
      logger: logs.logger,
      env: { BEDROCK_BATCH_OWNER: 'team-b', BEDROCK_BATCH_CONTROL_BUCKETS: BUCKET },
    });

    // Act
    const summary = await handler(getTestEvent('scheduled-event', 'scheduled'), lambdaContext);

    // Assess
    expect(summary).toEqual({
      tickets: 1,
      heartbeats: 1,
      deliveries: 0,
      stops: 0,
      waiting: 0,
      abandoned: 0,
      errors: 0,
    });
    const lines = logs.records().filter((record) => record.message === 'Reconcile finished');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ summary });
    expect(containsSecret(logs.text(), token)).toBe(false);
  });

  it('warns and does nothing without BEDROCK_BATCH_CONTROL_BUCKETS', async () => {
    // Prepare
    const logs = startCapture();
    fake.putTicket(BUCKET, makeTicket());
    const handler = makeReconcileHandler({ clients: fake.clients, logger: logs.logger, env: {} });

    // Act
    const summary = await handler({}, lambdaContext);

    // Assess
    expect(summary.tickets).toBe(0);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'No control buckets are configured; nothing to reconcile',
      }),
    );
    expect(fake.s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('throws a ConfigurationError naming a bad environment value', async () => {
    // Prepare
    const logs = startCapture();
    const handler = makeReconcileHandler({
      clients: fake.clients,
      logger: logs.logger,
      env: { BEDROCK_BATCH_CONTROL_BUCKETS: 'my-batch-bucket,s3://x' },
    });

    // Act
    const error = await rejection(handler({}, lambdaContext));

    // Assess
    expect(error.name).toBe('BedrockBatch.ConfigurationError');
    expect(error.message).toBe(
      'BEDROCK_BATCH_CONTROL_BUCKETS: every entry must be an S3 bucket name (received: "s3://x" in "my-batch-bucket,s3://x")',
    );
    expect(logs.records()).toContainEqual(
      expect.objectContaining({
        message: 'Invocation failed',
        errorName: 'BedrockBatch.ConfigurationError',
      }),
    );
  });
});
