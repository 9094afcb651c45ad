import * as z from 'zod';
import { CountSchema, ManifestKeySchema, S3BucketNameSchema } from './primitives.js';
import { AnswerModeSchema } from './result-line.js';

const PositiveCountSchema = z.number().int().positive();

/** One manifest of a plan: a contiguous range of the dataset, one job. */
const PlannedManifestSchema = z
  .strictObject({
    key: ManifestKeySchema,
    first_record: CountSchema,
    record_count: PositiveCountSchema,
    bytes: PositiveCountSchema,
  })
  .meta({ title: 'PlannedManifest' });

/**
 * What preparing a dataset returns: the manifests it wrote under `work_prefix` in `bucket`, one
 * per job, each a contiguous range of the dataset (`first_record`, 0-based, and `record_count`)
 * of `bytes` bytes. `mode` is `batch` (one Bedrock job per manifest) or `on_demand` (a dataset under
 * the minimum records per job, one manifest answered through the runtime API). It holds no record, only about 100 bytes per manifest, so it stays far below
 * Step Functions' 256 KB state limit (a million records at 50,000 per job make 20 manifests).
 *
 * @example
 * ```json
 * {
 *   "bucket": "my-batch-bucket",
 *   "work_prefix": "work/exec-1/",
 *   "total_records": 3250,
 *   "mode": "batch",
 *   "manifests": [
 *     { "key": "work/exec-1/manifests/part-00000.jsonl", "first_record": 0, "record_count": 1625, "bytes": 1702912 },
 *     { "key": "work/exec-1/manifests/part-00001.jsonl", "first_record": 1625, "record_count": 1625, "bytes": 1699840 }
 *   ]
 * }
 * ```
 */
const DatasetPlanSchema = z
  .strictObject({
    bucket: S3BucketNameSchema,
    work_prefix: ManifestKeySchema.regex(/\/$/, 'must end with "/"'),
    total_records: PositiveCountSchema,
    mode: AnswerModeSchema,
    manifests: z.array(PlannedManifestSchema).min(1, 'must list at least one manifest'),
  })
  .meta({ title: 'DatasetPlan', description: 'The manifests written for a dataset, one per job.' });

/** A dataset's plan, see {@link DatasetPlanSchema}. */
type DatasetPlan = z.infer<typeof DatasetPlanSchema>;
/** One manifest of a plan, see {@link DatasetPlanSchema}. */
type PlannedManifest = z.infer<typeof PlannedManifestSchema>;

export type { DatasetPlan, PlannedManifest };
export { DatasetPlanSchema };
