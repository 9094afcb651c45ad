import { CreateModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  BATCH_RECORD_ERRORS,
  type BedrockEmulatorOptions,
  InvalidOptionError,
  startBedrockEmulator,
} from '../../src/index.js';
import {
  getText,
  type Harness,
  inputAt,
  jobRequest,
  OUTPUT_BUCKET,
  putText,
  recordLines,
  runToEnd,
  startHarness,
} from '../helpers/harness.js';

const ZERO = { submitted: 0, validating: 0, scheduled: 0, inProgress: 0, stopping: 0 };
let h: Harness | undefined;

interface OutputLine {
  recordId: string;
  modelOutput?: unknown;
  error?: { errorCode: number; errorMessage: string };
}

/** Runs one job of `count` records and returns its output lines. */
async function runJob(options: BedrockEmulatorOptions, count: number): Promise<OutputLine[]> {
  h = await startHarness({
    quotas: { minRecordsPerJob: 1 },
    phaseDurations: ZERO,
    ...options,
  });
  await putText(h.s3Client, 'batch-input', 'f/records.jsonl', recordLines(count).join('\n'));
  const { jobArn } = await h.bedrock.send(
    new CreateModelInvocationJobCommand(
      jobRequest({ jobName: 'kinds', inputDataConfig: inputAt('f/records.jsonl') }),
    ),
  );
  await runToEnd(h, jobArn ?? '');
  const job = h.emulator.jobs.get(jobArn ?? '');
  const text = await getText(h.s3Client, OUTPUT_BUCKET, `results/${job?.jobId}/records.jsonl.out`);
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as OutputLine);
}

function countByCode(lines: readonly OutputLine[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const line of lines) {
    if (line.error) counts[line.error.errorCode] = (counts[line.error.errorCode] ?? 0) + 1;
  }
  return counts;
}

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Fault: several kinds of record errors in one job', () => {
  it('writes each kind close to its rate (5% transient, 2% permanent of 4,000 records)', async () => {
    // Prepare
    const recordErrors = [
      { rate: 0.02, ...BATCH_RECORD_ERRORS.throttled },
      { rate: 0.02, ...BATCH_RECORD_ERRORS.internal },
      { rate: 0.01, ...BATCH_RECORD_ERRORS.unavailable },
      { rate: 0.02, ...BATCH_RECORD_ERRORS.malformed },
    ];

    // Act
    const lines = await runJob({ seed: 5, faults: { recordErrors } }, 4000);

    // Assess
    const counts = countByCode(lines);
    expect(lines).toHaveLength(4000);
    expect(Object.keys(counts).sort()).toEqual(['400', '429', '500', '503']);
    const transient = (counts[429] ?? 0) + (counts[500] ?? 0) + (counts[503] ?? 0);
    expect(transient / 4000).toBeGreaterThan(0.04);
    expect(transient / 4000).toBeLessThan(0.06);
    expect((counts[400] ?? 0) / 4000).toBeGreaterThan(0.013);
    expect((counts[400] ?? 0) / 4000).toBeLessThan(0.027);
    expect((counts[503] ?? 0) / 4000).toBeGreaterThan(0.005);
    expect((counts[503] ?? 0) / 4000).toBeLessThan(0.015);
    const throttled = lines.find((line) => line.error?.errorCode === 429);
    expect(throttled?.error).toEqual({
      errorCode: 429,
      errorMessage: 'Too many requests, please wait before trying again.',
    });
    const job = h?.emulator.jobs.list()[0];
    expect(job?.status).toBe('PartiallyCompleted');
    expect(job?.errorRecordCount).toBe(lines.filter((line) => line.error).length);
  });

  it('gives the same failed records for the same seed, and keeps recordErrorRate working beside', async () => {
    // Prepare
    const options: BedrockEmulatorOptions = {
      seed: 9,
      faults: {
        recordErrorRate: 0.05,
        recordError: { errorCode: 503, errorMessage: 'legacy' },
        recordErrors: [{ rate: 0.05, errorCode: 408 }],
      },
    };
    const failed = (lines: OutputLine[]) =>
      lines
        .filter((line) => line.error)
        .map((line) => `${line.recordId}:${line.error?.errorCode}`)
        .sort();

    // Act
    const first = await runJob(options, 400);
    await h?.stop();
    const second = await runJob(options, 400);

    // Assess
    expect(failed(second)).toEqual(failed(first));
    const counts = countByCode(first);
    expect(counts[503]).toBeGreaterThan(5);
    expect(counts[408]).toBeGreaterThan(5);
    expect(first.find((line) => line.error?.errorCode === 503)?.error?.errorMessage).toBe('legacy');
    expect(first.find((line) => line.error?.errorCode === 408)?.error?.errorMessage).toBe(
      BATCH_RECORD_ERRORS.timeout.errorMessage,
    );
  });

  it('is live: kinds pushed while the emulator runs apply to the next job', async () => {
    // Prepare
    h = await startHarness({ quotas: { minRecordsPerJob: 1 }, phaseDurations: ZERO });
    h.emulator.faults.recordErrors.push({ rate: 1, ...BATCH_RECORD_ERRORS.contentFiltered });
    await putText(h.s3Client, 'batch-input', 'f/records.jsonl', recordLines(20).join('\n'));

    // Act
    const { jobArn } = await h.bedrock.send(
      new CreateModelInvocationJobCommand(
        jobRequest({ jobName: 'live', inputDataConfig: inputAt('f/records.jsonl') }),
      ),
    );
    await runToEnd(h, jobArn ?? '');

    // Assess
    const job = h.emulator.jobs.get(jobArn ?? '');
    expect(job?.errorRecordCount).toBe(20);
    expect(job?.status).toBe('PartiallyCompleted');
  });

  it('rejects a kind without an HTTP status code or with a rate outside 0..1', async () => {
    // Act
    const noCode = startBedrockEmulator({
      faults: { recordErrors: [{ rate: 0.1, errorCode: 'x' as never }] },
    });
    const badRate = startBedrockEmulator({
      faults: { recordErrors: [{ rate: 1.5, errorCode: 500 }] },
    });

    // Assess
    await expect(noCode).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(badRate).rejects.toThrow('faults.recordErrors[0].rate');
  });
});
