import type { ContractName } from '../../src/index.js';

/** Fixture folder under tests/events for each public contract. */
const FIXTURE_KIND: Record<ContractName, string> = {
  BatchFragmentInput: 'fragment-input',
  BatchJobResult: 'job-result',
  BatchJobFailure: 'job-failure',
  CreateJobPayload: 'create-job-payload',
  JobStateChangeEvent: 'job-state-change-event',
  BatchInputRecord: 'input-record',
  BatchOutputRecord: 'output-record',
  ManifestOut: 'manifest-out',
  JobTicket: 'job-ticket',
  DeliveredTicket: 'delivered-ticket',
  DatasetRecord: 'dataset-record',
  ResultLine: 'result-line',
  DatasetResult: 'dataset-result',
  DatasetPlan: 'dataset-plan',
  PrepareDatasetPayload: 'prepare-dataset-payload',
  PreparedDataset: 'prepared-dataset',
  CollectResultsPayload: 'collect-results-payload',
  OnDemandPayload: 'on-demand-payload',
  OnDemandProgress: 'on-demand-progress',
  CollectedDataset: 'collected-dataset',
};

export { FIXTURE_KIND };
