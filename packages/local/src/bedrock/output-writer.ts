import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ManifestOut } from '@bedrock-batch/schema';
import type { InputFile } from './input-reader.js';
import { createRandom, shuffleInPlace } from './random.js';
import { outputPrefixOf } from './s3-location.js';

/** What {@link writeJobOutput} writes for one job. */
interface JobOutput {
  readonly jobId: string;
  readonly outputUri: string;
  readonly files: readonly InputFile[];
  /** Output lines per input file (same order as `files`). */
  readonly lines: readonly (readonly string[])[];
  readonly manifest: ManifestOut;
  /** Seed of the line shuffle. */
  readonly shuffleSeed: number;
  /** Write every file, even those with no line (a completed job); else only non-empty ones. */
  readonly writeEmptyFiles: boolean;
}

/**
 * Writes a job's `{input file name}.out` files (lines in a seeded shuffled order, as the service
 * does not keep input order) and `manifest.json.out` under `{output s3Uri}{jobId}/`.
 *
 * @returns the `s3://` URIs written, output files first, manifest last
 */
async function writeJobOutput(s3: S3Client, output: JobOutput): Promise<string[]> {
  const prefix = outputPrefixOf(output.outputUri, output.jobId);
  const puts: Promise<unknown>[] = [];
  const uris: string[] = [];
  output.files.forEach((file, index) => {
    const lines = [...(output.lines[index] ?? [])];
    if (lines.length === 0 && !output.writeEmptyFiles) return;
    shuffleInPlace(lines, createRandom(output.shuffleSeed + index * 7919));
    const key = `${prefix.key}${file.outputName}`;
    uris.push(`s3://${prefix.bucket}/${key}`);
    puts.push(
      s3.send(
        new PutObjectCommand({
          Bucket: prefix.bucket,
          Key: key,
          Body: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
          ContentType: 'application/jsonl',
        }),
      ),
    );
  });
  await Promise.all(puts);
  const manifestKey = `${prefix.key}manifest.json.out`;
  await s3.send(
    new PutObjectCommand({
      Bucket: prefix.bucket,
      Key: manifestKey,
      Body: JSON.stringify(output.manifest),
      ContentType: 'application/json',
    }),
  );
  uris.push(`s3://${prefix.bucket}/${manifestKey}`);
  return uris;
}

export type { JobOutput };
export { writeJobOutput };
