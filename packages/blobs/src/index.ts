export {
  assertSha256,
  BlobCorruptError,
  BlobNotFoundError,
  BlobRefError,
  blobPath,
  openBlob,
  DEFAULT_REF_BUCKET_MS,
  openBlobStore,
  sha256Of,
  type BlobRef,
  type BlobStore,
  type BlobStoreOptions,
  type OpenedBlob,
} from './blob-store.js';
export { blobUsage, sweepBlobs, type SweepOptions, type SweepResult } from './sweeper.js';
