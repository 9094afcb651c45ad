import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import {
  BatchOutputRecordSchema,
  JobStateChangeEventSchema,
  ManifestOutSchema,
  validate,
} from '@bedrock-batch/schema';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  getText,
  type Harness,
  inputAt,
  jobRequest,
  listKeys,
  OUTPUT_BUCKET,
  putText,
  recordLines,
  runToEnd,
  startHarness,
} from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    quotas: { minRecordsPerJob: 10, maxJobsInFlightPerModel: 100 },
    phaseDurations: {
      submitted: 1_000,
      validating: 2_000,
      scheduled: 3_000,
      inProgress: 40_000,
      stopping: 5_000,
    },
  });
});

afterAll(async () => {
  await h.stop();
});

async function createJob(
  name: string,
  inputKey: string,
  extra: Parameters<typeof jobRequest>[0] = {},
): Promise<string> {
  const { jobArn } = await h.bedrock.send(
    new CreateModelInvocationJobCommand(
      jobRequest({ jobName: name, inputDataConfig: inputAt(inputKey), ...extra }),
    ),
  );
  return jobArn ?? '';
}

function eventsOf(jobArn: string): string[] {
  return h.emulator.events
    .filter((e) => e.detail.batchJobArn === jobArn)
    .map((e) => e.detail.status);
}

describe('Lifecycle: a completed job', () => {
  it('goes through every status on the clock, moves its counters, emits events and writes output', async () => {
    // Prepare
    const lines = recordLines(40);
    await putText(h.s3Client, 'batch-input', 'complete/records.jsonl', `${lines.join('\n')}\n`);
    const jobArn = await createJob('complete-1', 'complete/records.jsonl');
    const jobId = jobArn.split('/').at(-1) ?? '';
    const get = () => h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const seen: { status?: string; processed?: number }[] = [];

    // Act: step through every timer, reading the job after each.
    while (await h.clock.advanceToNext()) {
      const job = await get();
      seen.push({ status: job.status, processed: job.processedRecordCount });
      if (job.status === 'Completed') break;
    }
    const job = await get();

    // Assess: statuses in order, counters moving while InProgress.
    expect(h.emulator.jobs.get(jobArn)?.statusHistory).toEqual([
      'Submitted',
      'Validating',
      'Scheduled',
      'InProgress',
      'Completed',
    ]);
    expect(seen.filter((s) => s.status === 'InProgress').map((s) => s.processed)).toEqual([
      0, 10, 20, 30,
    ]);
    expect(job).toMatchObject({
      status: 'Completed',
      totalRecordCount: 40,
      processedRecordCount: 40,
      successRecordCount: 40,
      errorRecordCount: 0,
    });
    expect(job.endTime?.getTime()).toBe((job.submitTime?.getTime() ?? 0) + 46_000);

    // Assess: one valid EventBridge event per status change.
    expect(eventsOf(jobArn)).toEqual([
      'Submitted',
      'Validating',
      'Scheduled',
      'InProgress',
      'Completed',
    ]);
    const last = h.emulator.events.filter((e) => e.detail.batchJobArn === jobArn).at(-1);
    expect(validate(JobStateChangeEventSchema, last)).toMatchObject({
      source: 'aws.bedrock',
      'detail-type': 'Batch Inference Job State Change',
      account: '123456789012',
      region: 'us-east-1',
      resources: [jobArn],
      detail: {
        batchJobName: 'complete-1',
        batchModelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        status: 'Completed',
      },
    });
    expect(last?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Assess: output file and manifest, read back through the real S3 client.
    expect(await listKeys(h.s3Client, OUTPUT_BUCKET, `results/${jobId}/`)).toEqual([
      `results/${jobId}/manifest.json.out`,
      `results/${jobId}/records.jsonl.out`,
    ]);
    const outLines = (
      await getText(h.s3Client, OUTPUT_BUCKET, `results/${jobId}/records.jsonl.out`)
    )
      .trim()
      .split('\n');
    const outputs = outLines.map((l) => validate(BatchOutputRecordSchema, JSON.parse(l)));
    const inputIds = lines.map((l) => (JSON.parse(l) as { recordId: string }).recordId);
    expect(outputs.map((o) => o.recordId).sort()).toEqual([...inputIds].sort());
    expect(outputs.map((o) => o.recordId)).not.toEqual(inputIds);
    expect(outputs[0]).toMatchObject({
      modelOutput: {
        type: 'message',
        role: 'assistant',
        model: 'claude-3-haiku-20240307',
        stop_reason: 'end_turn',
      },
    });
    const manifest = validate(
      ManifestOutSchema,
      JSON.parse(await getText(h.s3Client, OUTPUT_BUCKET, `results/${jobId}/manifest.json.out`)),
    );
    expect(manifest).toMatchObject({
      totalRecordCount: 40,
      processedRecordCount: 40,
      successRecordCount: 40,
      errorRecordCount: 0,
    });
    expect(manifest.inputTokenCount).toBeGreaterThan(40 * 10);
    expect(manifest.outputTokenCount).toBeGreaterThan(0);
    expect(h.emulator.jobs.get(jobArn)?.outputUris).toHaveLength(2);
  });

  it('reads every .jsonl under a prefix, assigns missing recordIds and answers in the Converse shape', async () => {
    // Prepare
    const withoutIds = recordLines(6, 'converse').map((l) => {
      const { recordId: _drop, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    await putText(
      h.s3Client,
      'batch-input',
      'prefix/part-1.jsonl',
      recordLines(6, 'converse', 'A').join('\n'),
    );
    await putText(h.s3Client, 'batch-input', 'prefix/part-2.jsonl', withoutIds.join('\n'));
    await putText(h.s3Client, 'batch-input', 'prefix/notes.txt', 'not an input file');
    const jobArn = await createJob('prefix-1', 'prefix/', {
      modelId: 'us.amazon.nova-pro-v1:0',
      modelInvocationType: 'Converse',
    });
    const jobId = jobArn.split('/').at(-1) ?? '';

    // Act
    await runToEnd(h, jobArn);

    // Assess
    expect(h.emulator.jobs.get(jobArn)?.status).toBe('Completed');
    expect(await listKeys(h.s3Client, OUTPUT_BUCKET, `results/${jobId}/`)).toEqual([
      `results/${jobId}/manifest.json.out`,
      `results/${jobId}/part-1.jsonl.out`,
      `results/${jobId}/part-2.jsonl.out`,
    ]);
    const part2 = (await getText(h.s3Client, OUTPUT_BUCKET, `results/${jobId}/part-2.jsonl.out`))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { recordId: string; modelOutput: Record<string, unknown> });
    expect(part2.map((r) => r.recordId).sort()).toEqual([
      'RECORD0000001',
      'RECORD0000002',
      'RECORD0000003',
      'RECORD0000004',
      'RECORD0000005',
      'RECORD0000006',
    ]);
    expect(part2[0]?.modelOutput).toMatchObject({
      output: { message: { role: 'assistant' } },
      stopReason: 'end_turn',
      usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) },
    });
  });

  it('runs a job with zero phase durations in one advance(0)', async () => {
    // Prepare
    const fast = await startHarness({
      quotas: { minRecordsPerJob: 1 },
      phaseDurations: { submitted: 0, validating: 0, scheduled: 0, inProgress: 0, stopping: 0 },
    });
    try {
      await putText(
        fast.s3Client,
        'batch-input',
        'zero/records.jsonl',
        recordLines(5, 'meta-llama').join('\n'),
      );
      const { jobArn } = await fast.bedrock.send(
        new CreateModelInvocationJobCommand(
          jobRequest({
            modelId: 'meta.llama3-3-70b-instruct-v1:0',
            inputDataConfig: inputAt('zero/records.jsonl'),
          }),
        ),
      );

      // Act
      await fast.clock.advance(0);

      // Assess
      const job = fast.emulator.jobs.get(jobArn ?? '');
      expect(job?.status).toBe('Completed');
      expect(job?.endTime).toBe(job?.submitTime);
      expect(fast.emulator.events.map((e) => e.detail.status)).toEqual([
        'Submitted',
        'Validating',
        'Scheduled',
        'InProgress',
        'Completed',
      ]);
    } finally {
      await fast.stop();
    }
  });
});

describe('Lifecycle: input the service rejects', () => {
  const cases: [string, string, string | null, RegExp][] = [
    [
      'too few records',
      'bad/few.jsonl',
      recordLines(3).join('\n'),
      /^The job has 3 records, fewer than the minimum of 10 records per batch inference job\.$/,
    ],
    [
      'a malformed JSONL line',
      'bad/malformed.jsonl',
      [
        ...recordLines(12).slice(0, 4),
        '{"recordId": "X", "modelInput": ',
        ...recordLines(12).slice(4),
      ].join('\n'),
      /^Invalid JSONL format in s3:\/\/batch-input\/bad\/malformed\.jsonl at line 5: the line is not valid JSON\.$/,
    ],
    [
      'a line that is not an object',
      'bad/array.jsonl',
      [...recordLines(12), '[1, 2]'].join('\n'),
      /^Invalid JSONL format in s3:\/\/batch-input\/bad\/array\.jsonl at line 13: every line must be a JSON object\.$/,
    ],
    [
      'a record without a modelInput object',
      'bad/no-input.jsonl',
      [...recordLines(12), '{"recordId": "Z", "modelInput": "text"}'].join('\n'),
      /^Invalid record in s3:\/\/batch-input\/bad\/no-input\.jsonl at line 13: the record must have a "modelInput" JSON object\.$/,
    ],
    [
      'duplicate recordIds',
      'bad/duplicates.jsonl',
      [...recordLines(12), recordLines(1)[0]].join('\n'),
      /^Duplicate recordId "REC0000000" in s3:\/\/batch-input\/bad\/duplicates\.jsonl at line 13: recordIds must be unique within a job\.$/,
    ],
    [
      'a missing object',
      'bad/missing.jsonl',
      null,
      /^The input S3 object s3:\/\/batch-input\/bad\/missing\.jsonl does not exist or cannot be read \(NoSuchKey\)\.$/,
    ],
    [
      'a prefix with no .jsonl file',
      'empty-prefix/',
      null,
      /^No \.jsonl files were found at the input S3 location s3:\/\/batch-input\/empty-prefix\/\.$/,
    ],
  ];

  it.each(cases)('fails the job for %s', async (_name, key, content, message) => {
    // Prepare
    if (content !== null) await putText(h.s3Client, 'batch-input', key, content);
    const jobArn = await createJob(`bad-${key.replace(/[^a-z]/g, '')}`, key);

    // Act
    await runToEnd(h, jobArn);

    // Assess
    const job = await h.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job.status).toBe('Failed');
    expect(job.message).toMatch(message);
    expect(eventsOf(jobArn)).toEqual(['Submitted', 'Validating', 'Failed']);
    const failed = h.emulator.events.filter((e) => e.detail.batchJobArn === jobArn).at(-1);
    expect(failed?.detail.failureMessage).toBe(job.message);
    expect(h.emulator.jobs.get(jobArn)?.outputUris).toEqual([]);
  });
});

describe('Lifecycle: stop and expiry', () => {
  it('stops a job in progress and writes the records processed so far', async () => {
    // Prepare
    await putText(h.s3Client, 'batch-input', 'stop/records.jsonl', recordLines(20).join('\n'));
    const jobArn = await createJob('stop-in-progress', 'stop/records.jsonl');
    const jobId = jobArn.split('/').at(-1) ?? '';
    await h.clock.advance(1_000 + 2_000 + 3_000 + 20_000);

    // Act
    await h.bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const stopping = h.emulator.jobs.get(jobArn);
    await h.clock.advance(5_000);

    // Assess
    const job = h.emulator.jobs.get(jobArn);
    expect(stopping?.status).toBe('Stopping');
    expect(job?.status).toBe('Stopped');
    expect(job?.processedRecordCount).toBe(10);
    expect(eventsOf(jobArn)).toEqual([
      'Submitted',
      'Validating',
      'Scheduled',
      'InProgress',
      'Stopping',
      'Stopped',
    ]);
    const manifest = JSON.parse(
      await getText(h.s3Client, OUTPUT_BUCKET, `results/${jobId}/manifest.json.out`),
    );
    expect(manifest).toMatchObject({ totalRecordCount: 20, processedRecordCount: 10 });
    const out = (await getText(h.s3Client, OUTPUT_BUCKET, `results/${jobId}/records.jsonl.out`))
      .trim()
      .split('\n');
    expect(out).toHaveLength(10);
  });

  it('expires a job that outlives its timeout', async () => {
    // Prepare: InProgress lasts 30 virtual hours, the timeout is 24.
    const slow = await startHarness({
      quotas: { minRecordsPerJob: 1 },
      phaseDurations: { inProgress: 30 * 3_600_000 },
    });
    try {
      await putText(slow.s3Client, 'batch-input', 'slow/records.jsonl', recordLines(4).join('\n'));
      const { jobArn } = await slow.bedrock.send(
        new CreateModelInvocationJobCommand(
          jobRequest({ inputDataConfig: inputAt('slow/records.jsonl') }),
        ),
      );

      // Act
      await slow.clock.advance(24 * 3_600_000);

      // Assess
      const job = await slow.bedrock.send(
        new GetModelInvocationJobCommand({ jobIdentifier: jobArn }),
      );
      expect(job.status).toBe('Expired');
      expect(job.message).toBe(
        'The job did not complete within its timeout of 24 hours and has expired.',
      );
      expect(job.endTime?.getTime()).toBe(job.jobExpirationTime?.getTime());
      expect(slow.emulator.events.map((e) => e.detail.status).at(-1)).toBe('Expired');
    } finally {
      await slow.stop();
    }
  });
});
