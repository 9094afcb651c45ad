import { CreateModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Responder } from '../../src/index.js';
import { getTestEvent } from '../helpers/events.js';
import {
  getText,
  type Harness,
  inputAt,
  jobRequest,
  OUTPUT_BUCKET,
  putText,
  runToEnd,
  startHarness,
} from '../helpers/harness.js';

const ZERO = { submitted: 0, validating: 0, scheduled: 0, inProgress: 0, stopping: 0 };
let h: Harness | undefined;
let runtime: BedrockRuntimeClient | undefined;

/** A responder like the demo's: one word per review, from keywords. */
const sentiment: Responder = ({ prompt }) => {
  if (/\b(broken|terrible)\b/i.test(prompt)) return 'negative';
  if (/\b(great|love)\b/i.test(prompt)) return 'positive';
  return 'neutral';
};

/** Runs one batch job over `records` and returns its output lines by record id. */
async function runBatch(
  t: Harness,
  modelId: string,
  records: ReadonlyArray<{ recordId: string; modelInput: Record<string, unknown> }>,
  modelInvocationType?: 'Converse',
): Promise<Map<string, Record<string, unknown>>> {
  const key = `parity/${modelInvocationType ?? 'invoke'}.jsonl`;
  await putText(t.s3Client, 'batch-input', key, records.map((r) => JSON.stringify(r)).join('\n'));
  const { jobArn } = await t.bedrock.send(
    new CreateModelInvocationJobCommand(
      jobRequest({
        jobName: `parity-${modelInvocationType ?? 'invoke'}`,
        modelId,
        inputDataConfig: inputAt(key),
        ...(modelInvocationType ? { modelInvocationType } : {}),
      }),
    ),
  );
  await runToEnd(t, jobArn ?? '');
  const job = t.emulator.jobs.get(jobArn ?? '');
  const file = key.slice(key.lastIndexOf('/') + 1);
  const text = await getText(t.s3Client, OUTPUT_BUCKET, `results/${job?.jobId}/${file}.out`);
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return new Map(lines.map((line) => [line.recordId as string, line]));
}

function reviewRecords(
  family: string,
): Array<{ recordId: string; modelInput: Record<string, unknown> }> {
  const base = getTestEvent<Record<string, unknown>>('model-input', family);
  const reviews = ['great product, love it', 'arrived broken', 'it is a box'];
  return reviews.map((review, i) => ({
    recordId: `REC000000${i}`,
    modelInput: JSON.parse(JSON.stringify(base).replace('great product, fast delivery.', review)),
  }));
}

afterEach(async () => {
  runtime?.destroy();
  runtime = undefined;
  await h?.stop();
  h = undefined;
});

describe('Runtime API answers a record as a batch job does', () => {
  it.each([
    ['anthropic-claude', 'anthropic.claude-3-haiku-20240307-v1:0'],
    ['amazon-nova', 'amazon.nova-lite-v1:0'],
  ])(
    'InvokeModel gives the %s batch modelOutput, text and token counts',
    async (family, modelId) => {
      // Prepare
      h = await startHarness({
        quotas: { minRecordsPerJob: 1 },
        phaseDurations: ZERO,
        responder: sentiment,
      });
      runtime = h.emulator.createRuntimeClient({ maxAttempts: 1 });
      const records = reviewRecords(family);

      // Act
      const batch = await runBatch(h, modelId, records);
      const onDemand = await Promise.all(
        records.map(async (record) => {
          const response = await runtime?.send(
            new InvokeModelCommand({
              modelId,
              body: new TextEncoder().encode(JSON.stringify(record.modelInput)),
              contentType: 'application/json',
            }),
          );
          return JSON.parse(new TextDecoder().decode(response?.body)) as Record<string, unknown>;
        }),
      );

      // Assess
      const texts = onDemand.map((output) => JSON.stringify(output).match(/"text":"(\w+)"/)?.[1]);
      expect(texts).toEqual(['positive', 'negative', 'neutral']);
      records.forEach((record, i) => {
        const batchOutput = batch.get(record.recordId)?.modelOutput as Record<string, unknown>;
        const { id: _batchId, ...batchRest } = batchOutput;
        const { id: _onDemandId, ...onDemandRest } = onDemand[i] as Record<string, unknown>;
        expect(onDemandRest).toEqual(batchRest); // Claude's message id names the record
      });
    },
  );

  it('Converse gives the output of a Converse batch job', async () => {
    // Prepare
    h = await startHarness({
      quotas: { minRecordsPerJob: 1 },
      phaseDurations: ZERO,
      responder: sentiment,
    });
    runtime = h.emulator.createRuntimeClient({ maxAttempts: 1 });
    const modelId = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
    const records = reviewRecords('converse');

    // Act
    const batch = await runBatch(h, modelId, records, 'Converse');
    const onDemand = await Promise.all(
      records.map((record) =>
        runtime?.send(
          new ConverseCommand({
            modelId,
            ...(record.modelInput as Omit<ConverseCommandInput, 'modelId'>),
          }),
        ),
      ),
    );

    // Assess
    records.forEach((record, i) => {
      const batchOutput = batch.get(record.recordId)?.modelOutput;
      const response = onDemand[i];
      expect({
        output: response?.output,
        stopReason: response?.stopReason,
        usage: response?.usage,
        metrics: response?.metrics,
      }).toEqual(batchOutput);
    });
    expect(onDemand.map((r) => r?.output?.message?.content?.[0]?.text)).toEqual([
      'positive',
      'negative',
      'neutral',
    ]);
  });
});
