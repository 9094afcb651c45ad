import { describe, expect, it } from '@jest/globals';
import {
  CONTROL_PREFIX,
  ContractValidationError,
  JobTicketSchema,
  ticketFolder,
  ticketKey,
  validate,
} from '../../src/index.js';
import { getTestEvent } from '../helpers/events.js';

describe('Function: ticketKey / ticketFolder', () => {
  it('keeps each owner and state in its own folder under the control prefix', () => {
    // Act
    const pending = ticketKey('ReviewsStack', 'reviews-run-1-0', 'pending');
    const delivered = ticketKey('ReviewsStack', 'reviews-run-1-0', 'delivered');
    // Assess
    expect(pending).toBe('bedrock-batch-control/ReviewsStack/pending/reviews-run-1-0.json');
    expect(delivered).toBe('bedrock-batch-control/ReviewsStack/delivered/reviews-run-1-0.json');
    expect(pending.startsWith(ticketFolder('ReviewsStack', 'pending'))).toBe(true);
    expect(CONTROL_PREFIX).toBe('bedrock-batch-control/');
  });

  it('encodes an owner that holds a slash or spaces into one path segment', () => {
    // Act
    const folder = ticketFolder('team a/prod', 'pending');
    // Assess
    expect(folder).toBe('bedrock-batch-control/team%20a%2Fprod/pending/');
  });
});

describe('Schema: JobTicketSchema', () => {
  it('redacts the task token when it names a bad field', () => {
    // Prepare
    const ticket = getTestEvent('job-ticket', 'valid-before-create') as Record<string, unknown>;
    const token = ticket.taskToken as string;
    // Act
    let thrown: unknown;
    try {
      validate(JobTicketSchema, { ...ticket, taskToken: `${token}${'x'.repeat(2_048)}` });
    } catch (error) {
      thrown = error;
    }
    // Assess
    expect(thrown).toBeInstanceOf(ContractValidationError);
    expect((thrown as Error).message).toContain('taskToken');
    expect((thrown as Error).message).not.toContain(token.slice(0, 40));
  });
});
