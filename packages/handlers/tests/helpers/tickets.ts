import { type JobTicket, MANAGED_BY_VALUE } from '@bedrock-batch/schema';
import { makeTaskToken } from './events.js';

/** The execution of the fixtures (`describe-execution`, `create-job`). */
const EXECUTION_ARN =
  'arn:aws:states:us-east-1:123456789012:execution:ReviewsBatch:5c1b7a7e-2f3d-4b8a-9c1e-0d2f4a6b8c9e';
/** The output bucket of the fixtures, which holds their tickets. */
const BUCKET = 'my-batch-bucket';
/** The job of the `get-job` fixtures. */
const JOB_ARN = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl';
const JOB_NAME = 'test-job-0--3kd92jf83kd0';

/**
 * A pending ticket as create-job writes it, for the `get-job` fixtures' job unless `fields`
 * says otherwise.
 */
function makeTicket(fields: Partial<JobTicket> = {}): JobTicket {
  return {
    version: 1,
    owner: MANAGED_BY_VALUE,
    jobName: JOB_NAME,
    executionArn: EXECUTION_ARN,
    taskToken: makeTaskToken(900, 'ticket'),
    clientRequestToken: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    jobArn: JOB_ARN,
    createdAt: '2026-11-20T09:02:10.000Z',
    ...fields,
  };
}

export { BUCKET, EXECUTION_ARN, JOB_ARN, JOB_NAME, makeTicket };
