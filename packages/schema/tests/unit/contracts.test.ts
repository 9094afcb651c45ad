import { describe, expect, it } from '@jest/globals';
import {
  CONTRACT_SCHEMAS,
  type ContractName,
  ContractValidationError,
  validate,
} from '../../src/index.js';
import { getTestEvent, listTestEvents } from '../helpers/events.js';
import { FIXTURE_KIND } from '../helpers/fixtures.js';

/** The path each invalid fixture must be rejected at. */
const EXPECTED_PATH: Record<string, string> = {
  'fragment-input/invalid-empty-manifest-keys': 'manifest_keys',
  'fragment-input/invalid-leading-slash-key': 'manifest_keys[1]',
  'fragment-input/invalid-unknown-field': 'modelId',
  'fragment-input/invalid-missing-model-id': 'model_id',
  'fragment-input/invalid-invocation-type': 'model_invocation_type',
  'fragment-input/invalid-key-with-space': 'manifest_keys[2]',
  'fragment-input/invalid-key-hive-partition': 'manifest_keys[0]',
  'fragment-input/invalid-key-non-ascii': 'manifest_keys[0]',
  'fragment-input/invalid-key-double-slash': 'manifest_keys[0]',
  'fragment-input/invalid-model-id-pattern': 'model_id',
  'job-result/invalid-status-failed': 'status',
  'job-result/invalid-no-keys': 'keys',
  'job-result/invalid-negative-count': 'record_counts.error',
  'job-result/invalid-job-arn': 'job_arn',
  'job-failure/invalid-empty-cause': 'cause',
  'job-failure/invalid-unknown-error': 'error',
  'create-job-payload/invalid-token-too-long': 'taskToken',
  'create-job-payload/invalid-timeout-too-short': 'timeoutDurationInHours',
  'create-job-payload/invalid-role-arn': 'roleArn',
  'create-job-payload/invalid-input-uri': 'inputDataConfig.s3InputDataConfig.s3Uri',
  'create-job-payload/invalid-tag-value': 'tags[0].value',
  'create-job-payload/invalid-manifest-key': 'manifestKeys[1]',
  'create-job-payload/invalid-kms-key': 'outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId',
  'create-job-payload/invalid-vpc-no-subnets': 'vpcConfig.subnetIds',
  'create-job-payload/invalid-vpc-subnet-id': 'vpcConfig.subnetIds[0]',
  'create-job-payload/invalid-output-uri-space': 'outputDataConfig.s3OutputDataConfig.s3Uri',
  'job-state-change-event/invalid-detail-type': 'detail-type',
  'job-state-change-event/invalid-missing-job-arn': 'detail.batchJobArn',
  'input-record/invalid-model-input-string': 'modelInput',
  'input-record/invalid-missing-model-input': 'modelInput',
  'output-record/invalid-no-output-or-error': '(root)',
  'output-record/invalid-missing-record-id': '(root)',
  'manifest-out/invalid-negative-count': 'errorRecordCount',
  'manifest-out/invalid-string-count': 'totalRecordCount',
  'job-ticket/invalid-missing-task-token': 'taskToken',
  'job-ticket/invalid-version': 'version',
  'job-ticket/invalid-job-arn': 'jobArn',
  'delivered-ticket/invalid-outcome': 'outcome',
  'delivered-ticket/invalid-missing-job-arn': 'jobArn',
  'fragment-input/invalid-both-keys': 'dataset_keys',
  'fragment-input/invalid-no-keys': 'manifest_keys',
  'fragment-input/invalid-empty-dataset-keys': 'dataset_keys',
  'fragment-input/invalid-dataset-key-space': 'dataset_keys[0]',
  'fragment-input/invalid-records-per-job-zero': 'records_per_job',
  'fragment-input/invalid-records-per-job-fraction': 'records_per_job',
  'fragment-input/invalid-records-per-job-with-manifests': 'records_per_job',
  'fragment-input/invalid-retries-too-many': 'max_record_retries',
  'fragment-input/invalid-retries-with-manifests': 'max_record_retries',
  'dataset-record/invalid-empty-record-id': 'recordId',
  'dataset-record/invalid-model-input-string': 'modelInput',
  'dataset-record/invalid-record-id-too-long': 'recordId',
  'result-line/invalid-output-and-error': '(root)',
  'result-line/invalid-missing-record-id': '(root)',
  'result-line/invalid-error-code-boolean': '(root)',
  'result-line/invalid-mode': '(root)',
  'result-line/invalid-attempts-zero': 'attempts',
  'result-line/invalid-error-without-attempts': '(root)',
  'dataset-result/invalid-status-failed': 'status',
  'dataset-result/invalid-missing-error-count': 'record_counts.error',
  'dataset-plan/invalid-work-prefix-no-slash': 'work_prefix',
  'dataset-plan/invalid-no-manifests': 'manifests',
  'dataset-plan/invalid-empty-manifest': 'manifests[0].record_count',
  'prepare-dataset-payload/invalid-unknown-quota': 'quotas.maxJobsInFlightPerModel',
  'prepare-dataset-payload/invalid-output-bucket': 'outputBucket',
  'prepared-dataset/invalid-invocation-type': 'model_invocation_type',
  'prepared-dataset/invalid-round-over-maximum': 'round.number',
  'collected-dataset/invalid-retry-round-zero': 'retry.round',
  'collected-dataset/invalid-retry-no-records': 'retry.records',
  'collect-results-payload/invalid-result-and-failure': 'jobs[0]',
  'on-demand-payload/invalid-negative-start': 'startLine',
  'on-demand-payload/invalid-concurrency-zero': 'concurrency',
  'on-demand-progress/invalid-missing-tokens': 'tokens',
};

const contracts = Object.keys(CONTRACT_SCHEMAS) as ContractName[];

describe.each(contracts)('Schema: %s', (contract) => {
  const schema = CONTRACT_SCHEMAS[contract];
  const kind = FIXTURE_KIND[contract];
  const valid = listTestEvents(kind, 'valid-');
  const invalid = listTestEvents(kind, 'invalid-');

  it('has valid and invalid fixtures', () => {
    expect(valid.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThan(0);
  });

  it.each(valid)('parses %s', (variant) => {
    // Prepare
    const event = getTestEvent(kind, variant);
    // Act
    const parsed = validate(schema, event);
    // Assess
    expect(parsed).toEqual(event);
  });

  it.each(invalid)('rejects %s at the expected path', (variant) => {
    // Prepare
    const expectedPath = EXPECTED_PATH[`${kind}/${variant}`];
    const event = getTestEvent(kind, variant);
    // Act
    let thrown: unknown;
    try {
      validate(schema, event);
    } catch (error) {
      thrown = error;
    }
    // Assess
    expect(expectedPath).toBeDefined();
    expect(thrown).toBeInstanceOf(ContractValidationError);
    const error = thrown as ContractValidationError;
    expect(error.contract).toBe(contract);
    expect(error.issues.map((issue) => issue.path)).toContain(expectedPath);
    expect(error.message).toContain(`Invalid ${contract}: `);
    expect(error.message).toContain(`${expectedPath}: `);
  });
});

describe('Schema: unknown fields', () => {
  it('keeps fields AWS adds to an event', () => {
    const event = getTestEvent<Record<string, unknown>>(
      'job-state-change-event',
      'valid-aws-cn-extra-fields',
    );
    const parsed = validate(CONTRACT_SCHEMAS.JobStateChangeEvent, event);
    expect(parsed['replay-name']).toBe('replay-1');
    expect(parsed.detail.processedRecordCount).toBe(200);
  });
});
