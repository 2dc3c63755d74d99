/**
 * The one translation of AWS SDK errors into our error tree, with the one-line messages a user
 * reads in `glacier dest test` and per-file failure reports. Transient means "retry with
 * backoff" (RetryingDestination does); everything else is permanent.
 */
import {
  AccessDeniedError,
  AppError,
  BadCredentialsError,
  BucketNotFoundError,
  CancelledError,
  ObjectNotFoundError,
  PermanentStorageError,
  TransientStorageError,
  WrongRegionError,
} from '../errors.js';

export type S3Operation =
  | 'put'
  | 'head'
  | 'get'
  | 'list'
  | 'delete'
  | 'restore'
  | 'list-uploads'
  | 'list-parts'
  | 'abort-upload';

/** The IAM action each operation needs, to name what an AccessDenied lacks. */
const ACTIONS: Record<S3Operation, string> = {
  put: 's3:PutObject',
  head: 's3:GetObject',
  get: 's3:GetObject',
  list: 's3:ListBucket',
  delete: 's3:DeleteObject',
  restore: 's3:RestoreObject',
  'list-uploads': 's3:ListBucketMultipartUploads',
  'list-parts': 's3:ListMultipartUploadParts',
  'abort-upload': 's3:AbortMultipartUpload',
};

export interface S3ErrorContext {
  operation: S3Operation;
  bucket: string;
  /** The full object key or key prefix the request was about. */
  key?: string;
  region: string;
  /** Where requests go, for network messages: "S3 (us-east-1)" or the endpoint's host. */
  endpointLabel: string;
}

const TRANSIENT_CODES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'OperationAborted',
  'IncompleteBody',
  // The bytes were damaged on the way: sending them again is the cure.
  'BadDigest',
  'XAmzContentSHA256Mismatch',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** Our error for anything the SDK or the network threw; bugs (TypeError…) pass through. */
export function toStorageError(error: unknown, ctx: S3ErrorContext): Error {
  if (error instanceof AppError || !(error instanceof Error)) return error as Error;
  const e = error as Error & SdkErrorShape;
  if (e.name === 'AbortError') return new CancelledError('cancelled', { bucket: ctx.bucket });
  if (e.name === 'CredentialsProviderError') {
    return new BadCredentialsError(
      'no AWS credentials found: set them in the environment, a mounted ~/.aws, a docker ' +
        "secret, or the destination's keys",
    );
  }
  const status = e.$metadata?.httpStatusCode;
  const code = e.Code ?? (e.name && e.name !== 'Unknown' && e.name !== 'Error' ? e.name : '');
  const details = {
    bucket: ctx.bucket,
    ...(ctx.key !== undefined ? { key: ctx.key } : {}),
    operation: ctx.operation,
    ...(code ? { s3Code: code } : {}),
    ...(status ? { httpStatus: status } : {}),
  };
  const known = knownError(e, code, status, ctx, details);
  if (known) return known;
  if (status === undefined) return networkError(e, ctx, details) ?? error;
  if (status >= 500 || status === 429 || TRANSIENT_CODES.has(code)) {
    const what = code === 'SlowDown' || status === 429 ? 'S3 asks to slow down' : 'S3 failed';
    return new TransientStorageError(`${what} (${status} ${code || 'error'})`, details);
  }
  return new PermanentStorageError(
    `S3 refused the request (${status} ${code || 'error'}${e.message && e.message !== 'UnknownError' ? `: ${e.message}` : ''})`,
    details,
  );
}

function knownError(
  e: SdkErrorShape,
  code: string,
  status: number | undefined,
  ctx: S3ErrorContext,
  details: Record<string, unknown>,
): Error | undefined {
  const where = ctx.key ? `${ctx.bucket}/${ctx.key}` : ctx.bucket;
  switch (code) {
    case 'NoSuchBucket':
      return new BucketNotFoundError(`the bucket ${ctx.bucket} does not exist`, details);
    case 'InvalidAccessKeyId':
      return new BadCredentialsError(
        "the access key ID is not known to AWS: check the destination's keys",
        details,
      );
    case 'SignatureDoesNotMatch':
      return new BadCredentialsError(
        'the secret access key does not match the access key ID',
        details,
      );
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return new BadCredentialsError('the AWS session credentials have expired', details);
    case 'InvalidToken':
      return new BadCredentialsError('the AWS session token is not valid', details);
    case 'NoSuchKey':
      return new ObjectNotFoundError(`no object at ${where}`, details);
  }
  if (code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed' || status === 301) {
    return wrongRegion(e, ctx, details);
  }
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || (status === 403 && !code)) {
    return new AccessDeniedError(
      `access denied: the key lacks ${ACTIONS[ctx.operation]} on ${where}`,
      { ...details, action: ACTIONS[ctx.operation] },
    );
  }
  if (status === 404 && (!code || code === 'NotFound') && ctx.operation !== 'list') {
    return new ObjectNotFoundError(`no object at ${where}`, details);
  }
  return undefined;
}

function wrongRegion(
  e: SdkErrorShape,
  ctx: S3ErrorContext,
  details: Record<string, unknown>,
): WrongRegionError {
  const region = e.$response?.headers?.['x-amz-bucket-region'] ?? e.Region;
  if (!region) {
    return new WrongRegionError(
      `the bucket ${ctx.bucket} is not in region ${ctx.region}: set the destination's region`,
      details,
    );
  }
  return new WrongRegionError(
    `the bucket ${ctx.bucket} is in region ${region}, not ${ctx.region}: set the destination's region to ${region}`,
    { ...details, region },
  );
}

function networkError(
  e: SdkErrorShape,
  ctx: S3ErrorContext,
  details: Record<string, unknown>,
): TransientStorageError | undefined {
  const code = e.code ?? '';
  if (e.name === 'TimeoutError' && code !== 'ECONNRESET') {
    return new TransientStorageError(`no answer from ${ctx.endpointLabel} in time`, details);
  }
  if (code === 'ECONNREFUSED') {
    return new TransientStorageError(`cannot connect to ${ctx.endpointLabel}`, details);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new TransientStorageError(`cannot resolve the address of ${ctx.endpointLabel}`, details);
  }
  if (
    NETWORK_CODES.has(code) ||
    e.name === 'TimeoutError' ||
    /socket hang up|aborted|premature close/i.test(e.message ?? '')
  ) {
    return new TransientStorageError(
      `the connection to ${ctx.endpointLabel} was lost (${code || e.message})`,
      details,
    );
  }
  return undefined;
}
