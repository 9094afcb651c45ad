import { describe, expect, it } from '@jest/globals';
import { createAwsClients } from '../../src/clients.js';

describe('Function: createAwsClients', () => {
  it('creates the Bedrock, S3 and Step Functions clients with default configuration', () => {
    // Act
    const clients = createAwsClients({});

    // Assess
    expect(clients.bedrock.constructor.name).toBe('BedrockClient');
    expect(clients.sfn.constructor.name).toBe('SFNClient');
    expect(clients.s3.config.forcePathStyle).toBe(false);
  });

  it('turns on path-style S3 addressing with AWS_S3_FORCE_PATH_STYLE=true', () => {
    // Act
    const clients = createAwsClients({ AWS_S3_FORCE_PATH_STYLE: 'true' });

    // Assess
    expect(clients.s3.config.forcePathStyle).toBe(true);
  });
});
