/** A vector store refused or failed an operation; the message says which and why. */
export class VectorStoreError extends Error {
  override name = 'VectorStoreError';
}
