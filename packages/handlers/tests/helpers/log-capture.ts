import { Logger } from '@aws-lambda-powertools/logger';
import { jest } from '@jest/globals';

/**
 * A Powertools logger at DEBUG whose JSON lines are captured (the logger writes to
 * process.stdout and process.stderr outside dev mode). Call `restore()` when the test ends.
 */
function captureLogs(env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_DEV: 'false' }, env);
  const lines: string[] = [];
  const collect = (chunk: unknown) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(collect),
    jest.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  const logger = new Logger({ serviceName: 'bedrock-batch-test' });
  return {
    logger,
    lines,
    /** Every captured line, parsed. */
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join('\n'),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
      process.env = saved;
    },
  };
}

/** Whether `text` holds the token or any 32-character piece of it. */
function containsSecret(text: string, token: string): boolean {
  for (let offset = 0; offset + 32 <= token.length; offset += 16) {
    if (text.includes(token.slice(offset, offset + 32))) return true;
  }
  return false;
}

export { captureLogs, containsSecret };
