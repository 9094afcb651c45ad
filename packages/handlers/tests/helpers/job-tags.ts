import { encodeTaskTokenTags, JobTagKey, MANAGED_BY_VALUE } from '@bedrock-batch/schema';

const EXECUTION_ARN =
  'arn:aws:states:us-east-1:123456789012:execution:ReviewsBatch:5c1b7a7e-2f3d-4b8a-9c1e-0d2f4a6b8c9e';

/** The tags create-job writes on a job: owner, execution ARN and task token parts. */
function ownedJobTags(taskToken: string, owner = MANAGED_BY_VALUE, executionArn = EXECUTION_ARN) {
  return [
    { key: JobTagKey.ManagedBy, value: owner },
    { key: JobTagKey.ExecutionArn, value: executionArn },
    ...encodeTaskTokenTags(taskToken),
  ];
}

export { EXECUTION_ARN, ownedJobTags };
