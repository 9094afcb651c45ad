/** A bucket and key (or key prefix) parsed from an `s3://` URI. */
interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** Splits `s3://bucket/key` into bucket and key (the key may be empty). */
function parseS3Uri(uri: string): S3Location {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash === -1
    ? { bucket: rest, key: '' }
    : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** The prefix a job's output goes under: `{output s3Uri}/{jobId}/` (one slash between). */
function outputPrefixOf(outputUri: string, jobId: string): S3Location {
  const { bucket, key } = parseS3Uri(outputUri);
  const base = key === '' || key.endsWith('/') ? key : `${key}/`;
  return { bucket, key: `${base}${jobId}/` };
}

export type { S3Location };
export { outputPrefixOf, parseS3Uri };
