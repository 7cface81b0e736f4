/**
 * What a failed transcription means for the message, decided by the HTTP status (undefined: no
 * answer at all — connection refused, reset, timed out):
 * - transient: the service may answer next time; vox retries within the voice note's deadline,
 *   then tells the owner and the message goes to the dead letters (retryable by hand);
 * - setup: our side is misconfigured (key, model, permissions); retrying cannot help until an
 *   operator fixes it, so the owner is told and the message is dead-lettered at once;
 * - audio: the service read the request and rejected this audio; retrying would repeat that, so
 *   the owner is told and the message is done.
 */
export type FailureKind = 'transient' | 'setup' | 'audio';

/** Classify a transcription failure by the HTTP status it came with. */
export function failureKind(status: number | undefined): FailureKind {
  if (status === undefined || status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) return 'transient';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'audio';
  return 'setup';
}
