import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DatasetRetry } from '@bedrock-batch/schema';
import { lineRecordId, plainLineRecordId } from './line-record-id.js';
import { objectLineBatches } from './object-lines.js';
import { type ObjectWriter, openObjectWriter } from './object-writer.js';

/** When a retry round can run. */
interface RetryRules {
  /** The round the records would be retried in (1 and up). */
  readonly round: number;
  /** The batch minimum of records per job. */
  readonly minRecordsPerJob: number;
  /** Whether a round under the minimum runs on demand (otherwise it cannot run). */
  readonly onDemandBelowMinimum: boolean;
}

/**
 * The dataset of the next retry round, written while a round is collected: the manifest lines
 * (`{"recordId", "modelInput"}`, as prepared) of the records that failed for a transient reason,
 * in dataset order, copied from each job's manifest once the job's records are known. The object
 * is created on the first record only, and given up when the round cannot run.
 *
 * @example
 * ```ts
 * const retry = new RetryRecords(s3, bucket, retryDatasetKey(prefix, 1), rules, logger);
 * await retry.copyFrom(job.manifestKey, new Set(['r7', 'r9']));
 * const next = await retry.finish(); // { round: 1, dataset_key, records: 2 } or undefined
 * ```
 */
class RetryRecords {
  private writer: ObjectWriter | undefined;
  private records = 0;

  /**
   * @param s3 - the S3 client
   * @param bucket - the output bucket (manifests and the retry dataset)
   * @param key - the retry dataset's key (`retryDatasetKey`)
   * @param rules - the next round and when it can run
   * @param logger - where a round that cannot run is reported
   */
  public constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly rules: RetryRules,
    private readonly logger: Logger,
  ) {}

  /**
   * Copies the lines of `recordIds` from a manifest to the retry dataset.
   *
   * @param manifestKey - the manifest of a job of the round, in the output bucket
   * @param recordIds - the ids to retry among its records
   */
  public async copyFrom(manifestKey: string, recordIds: ReadonlySet<string>): Promise<void> {
    if (recordIds.size === 0) return;
    this.writer ??= openObjectWriter(this.s3, this.bucket, this.key);
    const writer = this.writer;
    const location = `s3://${this.bucket}/${manifestKey}`;
    for await (const { bytes, starts, ends, firstNumber } of objectLineBatches(
      this.s3,
      this.bucket,
      manifestKey,
    )) {
      for (let index = 0; index < starts.length; index++) {
        const start = starts[index] as number;
        const end = ends[index] as number;
        if (end <= start) continue;
        const id =
          plainLineRecordId(bytes, start, end) ??
          lineRecordId(bytes.toString('utf8', start, end), location, firstNumber + index);
        if (!recordIds.has(id)) continue;
        this.records += 1;
        if (writer.addLine(bytes.subarray(start, end))) await writer.flush();
      }
    }
  }

  /**
   * Ends the retry dataset and returns the round to run, or `undefined` when there is nothing to
   * retry or the round cannot run (under the batch minimum with on-demand answering off; the
   * records then keep their error).
   */
  public async finish(): Promise<DatasetRetry | undefined> {
    const writer = this.writer;
    if (writer === undefined) return undefined;
    const { round, minRecordsPerJob, onDemandBelowMinimum } = this.rules;
    if (this.records < minRecordsPerJob && !onDemandBelowMinimum) {
      await writer.abort(new Error('retry round under the batch minimum'));
      this.logger.warn(
        'Records not retried: too few for a batch job, and on-demand answering is off',
        {
          round,
          records: this.records,
          minRecordsPerJob,
        },
      );
      return undefined;
    }
    await writer.finish();
    return { round, dataset_key: this.key, records: this.records };
  }

  /** Gives the retry dataset up (the collection failed). Never throws. */
  public async abort(reason: Error): Promise<void> {
    await this.writer?.abort(reason);
  }
}

export { RetryRecords };
