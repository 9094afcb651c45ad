import * as z from 'zod';

/** The `detail-type` Bedrock gives batch job events. */
const JOB_STATE_CHANGE_DETAIL_TYPE = 'Batch Inference Job State Change';
/** The `source` of every Bedrock event. */
const BEDROCK_EVENT_SOURCE = 'aws.bedrock';

/**
 * `detail` of a Batch Inference Job State Change event. Unknown fields are kept. `status`
 * is any string: events arrive late, twice or out of order, so readers confirm the job's real
 * status with `GetModelInvocationJob` and never act on this one alone.
 */
const JobStateChangeDetailSchema = z
  .looseObject({
    version: z.string().optional(),
    accountId: z.string().optional(),
    batchJobName: z.string().optional(),
    batchJobArn: z.string().min(1),
    batchModelId: z.string().optional(),
    status: z.string().min(1),
    failureMessage: z.string().optional(),
    creationTime: z.string().optional(),
  })
  .meta({ title: 'JobStateChangeDetail' });

/**
 * The EventBridge event Bedrock sends (best effort) when a batch inference job changes status.
 * Unknown fields AWS may add are accepted, in the envelope and in `detail`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-eventbridge-how-it-works.html
 *
 * @example
 * ```json
 * {
 *   "version": "0",
 *   "id": "3f1b5a0c-9d8e-4c2b-8a7f-6e5d4c3b2a19",
 *   "detail-type": "Batch Inference Job State Change",
 *   "source": "aws.bedrock",
 *   "account": "123456789012",
 *   "time": "2026-11-20T10:15:30Z",
 *   "region": "us-east-1",
 *   "resources": ["arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl"],
 *   "detail": {
 *     "version": "0.0",
 *     "accountId": "123456789012",
 *     "batchJobName": "reviews-0",
 *     "batchJobArn": "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl",
 *     "batchModelId": "anthropic.claude-3-haiku-20240307-v1:0",
 *     "status": "Completed",
 *     "failureMessage": "",
 *     "creationTime": "2026-11-20T09:02:11Z"
 *   }
 * }
 * ```
 */
const JobStateChangeEventSchema = z
  .looseObject({
    version: z.string(),
    id: z.string().min(1),
    'detail-type': z.literal(JOB_STATE_CHANGE_DETAIL_TYPE),
    source: z.literal(BEDROCK_EVENT_SOURCE),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    resources: z.array(z.string()),
    detail: JobStateChangeDetailSchema,
  })
  .meta({
    title: 'JobStateChangeEvent',
    description: 'EventBridge "Batch Inference Job State Change" event from Amazon Bedrock.',
  });

/** A Batch Inference Job State Change event, see {@link JobStateChangeEventSchema}. */
type JobStateChangeEvent = z.infer<typeof JobStateChangeEventSchema>;
/** The event's `detail`, see {@link JobStateChangeDetailSchema}. */
type JobStateChangeDetail = z.infer<typeof JobStateChangeDetailSchema>;

export type { JobStateChangeDetail, JobStateChangeEvent };
export {
  BEDROCK_EVENT_SOURCE,
  JOB_STATE_CHANGE_DETAIL_TYPE,
  JobStateChangeDetailSchema,
  JobStateChangeEventSchema,
};
