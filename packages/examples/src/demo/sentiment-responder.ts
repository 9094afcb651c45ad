import type { Responder } from '@bedrock-batch/local';

const POSITIVE = /\b(love|great|excellent|happy|perfect|worth|exceeded)\b/i;
const NEGATIVE = /\b(terrible|disappointed|poor|broken|cheap|flimsy|never|stopped|not buy)\b/i;

/**
 * The demo's stand-in for Claude: answers one word per review from a few keywords, so the
 * summary has believable counts. Only the review after `Review:` is read, not the instructions.
 *
 * @example
 * ```ts
 * await startLocalAws({ bedrock: { responder: sentimentResponder } });
 * ```
 */
const sentimentResponder: Responder = ({ prompt }) => {
  const review = prompt.split('Review:').at(-1) ?? prompt;
  if (NEGATIVE.test(review)) return 'negative';
  if (POSITIVE.test(review)) return 'positive';
  return 'neutral';
};

export { sentimentResponder };
