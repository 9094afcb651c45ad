import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { type ManifestOut, ManifestOutSchema } from '@bedrock-batch/schema';
import { parseS3Uri } from './arns.js';

/** Suffix of the output file Bedrock writes per input file. */
const OUTPUT_FILE_SUFFIX = '.jsonl.out';
/** Name of the summary Bedrock writes beside the output files. */
const MANIFEST_OUT_NAME = 'manifest.json.out';

/** What a finished job left in S3. */
interface JobOutput {
  /** The output bucket. */
  readonly bucket: string;
  /** The job's output folder, `{output prefix}{jobId}/`. */
  readonly folder: string;
  /** The `.jsonl.out` keys, sorted. */
  readonly keys: readonly string[];
  /** `manifest.json.out`, when present and readable. */
  readonly manifest?: ManifestOut;
  /** Why `manifest` is absent, when it is. */
  readonly manifestProblem?: string;
}

/**
 * The output folder of a job: `{outputDataConfig.s3Uri}{jobId}/` (a `/` is added after the
 * configured prefix when it has none).
 *
 * @example
 * ```ts
 * jobOutputFolder('s3://bucket/output/', 'abcdefghijkl'); // { bucket: 'bucket', key: 'output/abcdefghijkl/' }
 * ```
 */
function jobOutputFolder(outputS3Uri: string, jobId: string): { bucket: string; key: string } {
  const location = parseS3Uri(outputS3Uri);
  if (location === undefined) {
    throw new TypeError(
      `outputDataConfig.s3Uri: must be an s3:// URI (received: ${JSON.stringify(outputS3Uri)})`,
    );
  }
  const prefix =
    location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
  return { bucket: location.bucket, key: `${prefix}${jobId}/` };
}

/**
 * Lists a finished job's output folder (every page) and reads its `manifest.json.out`. Record
 * contents are never read.
 *
 * @param s3 - the S3 client
 * @param outputS3Uri - the job's `outputDataConfig.s3OutputDataConfig.s3Uri`
 * @param jobId - the job id (last part of the job ARN)
 * @returns the output keys and the manifest
 *
 * @example
 * ```ts
 * const output = await readJobOutput(clients.s3, job.outputDataConfig.s3OutputDataConfig.s3Uri, jobId);
 * if (output.keys.length === 0) console.log('no output');
 * ```
 */
async function readJobOutput(s3: S3Client, outputS3Uri: string, jobId: string): Promise<JobOutput> {
  const folder = jobOutputFolder(outputS3Uri, jobId);
  const keys: string[] = [];
  let manifestKey: string | undefined;
  for await (const page of paginateListObjectsV2(
    { client: s3 },
    { Bucket: folder.bucket, Prefix: folder.key },
  )) {
    for (const object of page.Contents ?? []) {
      const key = object.Key;
      if (key === undefined) continue;
      if (key.endsWith(OUTPUT_FILE_SUFFIX)) keys.push(key);
      else if (key === `${folder.key}${MANIFEST_OUT_NAME}`) manifestKey = key;
    }
  }
  keys.sort();
  const base = { bucket: folder.bucket, folder: folder.key, keys };
  if (manifestKey === undefined) return { ...base, manifestProblem: `no ${MANIFEST_OUT_NAME}` };
  const response = await s3.send(new GetObjectCommand({ Bucket: folder.bucket, Key: manifestKey }));
  const text = (await response.Body?.transformToString('utf-8')) ?? '';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ...base, manifestProblem: `${MANIFEST_OUT_NAME} is not JSON` };
  }
  const parsed = ManifestOutSchema.safeParse(data);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    return { ...base, manifestProblem: `${MANIFEST_OUT_NAME} has invalid fields: ${paths}` };
  }
  return { ...base, manifest: parsed.data };
}

export type { JobOutput };
export { jobOutputFolder, MANIFEST_OUT_NAME, OUTPUT_FILE_SUFFIX, readJobOutput };
