import { describe, expect, it } from '@jest/globals';
import { InvalidOptionError, ManualClock, startBedrockEmulator } from '../../src/index.js';

describe('Function: startBedrockEmulator options', () => {
  it.each([
    [{ port: -1 }, 'Invalid option port: must be an integer from 0 to 65535 (received: -1)'],
    [
      { region: 'Mars' },
      'Invalid option region: must be an AWS Region name such as us-east-1 (received: "Mars")',
    ],
    [{ accountId: '42' }, 'Invalid option accountId: must be 12 digits (received: "42")'],
    [
      { phaseDurations: { validating: -5 } },
      'Invalid option phaseDurations.validating: must be a number of milliseconds >= 0 (received: -5)',
    ],
    [
      { progressSteps: 0 },
      'Invalid option progressSteps: must be an integer from 1 to 10000 (received: 0)',
    ],
    [
      { defaultTimeoutHours: 12 },
      'Invalid option defaultTimeoutHours: must be an integer from 24 to 168 (received: 12)',
    ],
    [
      { modelIds: [] },
      'Invalid option modelIds: must be a non-empty list of model ids (received: [])',
    ],
    [
      { faults: { jobOutcomes: [{ outcome: 'Completed' as never }] } },
      'Invalid option faults.jobOutcomes[0].outcome: must be Failed, PartiallyCompleted or Expired (received: "Completed")',
    ],
  ])('throws InvalidOptionError for %j', async (options, message) => {
    // Act
    const start = startBedrockEmulator({ clock: new ManualClock(), ...options });

    // Assess
    await expect(start).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(startBedrockEmulator({ clock: new ManualClock(), ...options })).rejects.toThrow(
      message,
    );
  });

  it('throws InvalidOptionError naming the quota when min records exceed max records', async () => {
    // Act
    const start = startBedrockEmulator({
      clock: new ManualClock(),
      quotas: { minRecordsPerJob: 10, maxRecordsPerJob: 5 },
    });

    // Assess
    await expect(start).rejects.toThrow(
      /^Invalid option quotas: Invalid BatchQuotas: minRecordsPerJob: minRecordsPerJob must not exceed maxRecordsPerJob/,
    );
  });

  it('starts with defaults on a free port and stops twice safely', async () => {
    // Act
    const emulator = await startBedrockEmulator({ clock: new ManualClock() });
    await emulator.stop();
    await emulator.stop();

    // Assess
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.env).toEqual({
      AWS_ENDPOINT_URL_BEDROCK: emulator.endpoint,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.endpoint,
    });
    expect(emulator.region).toBe('us-east-1');
  });
});
