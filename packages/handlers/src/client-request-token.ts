import { createHash } from 'node:crypto';

/**
 * The `clientRequestToken` of a job: a hex SHA-256 of the execution ARN, the Map item index, the
 * input `s3Uri` and the fragment id. The same execution, item, manifest and fragment always give
 * the same token, so
 * Bedrock returns the existing job to a retried task instead of creating (and billing) a second
 * one. 64 characters, within Bedrock's `[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}`.
 *
 * @param executionArn - the Step Functions execution ARN
 * @param itemIndex - the Map item index
 * @param inputS3Uri - the job's input `s3Uri`
 * @param fragmentId - the fragment's id (payload `fragmentId`); absent for payloads without one
 *
 * @example
 * ```ts
 * const token = deriveClientRequestToken(payload.executionArn, payload.itemIndex, s3Uri);
 * ```
 */
function deriveClientRequestToken(
  executionArn: string,
  itemIndex: number,
  inputS3Uri: string,
  fragmentId?: string,
): string {
  const parts: unknown[] = [executionArn, itemIndex, inputS3Uri];
  if (fragmentId !== undefined) parts.push(fragmentId);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export { deriveClientRequestToken };
