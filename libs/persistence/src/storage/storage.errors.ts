// Typed errors of the instance file store. Ingest maps them once to DIMSE statuses and HTTP codes.

export abstract class StorageError extends Error {
  override name = this.constructor.name;
}

/** Not enough free disk (below the reserve), or the disk filled while writing (ENOSPC). PS3.4 B.2.3: 0xA7xx. */
export class OutOfResourcesError extends StorageError {
  constructor(
    readonly freeBytes: number,
    readonly reserveBytes: number,
    detail = '',
  ) {
    super(`out of storage: ${Math.floor(freeBytes / 1048576)} MiB free, reserve ${Math.floor(reserveBytes / 1048576)} MiB${detail ? ` (${detail})` : ''}`);
  }
}

/** A temp file was used after commit or discard. */
export class TempFileStateError extends StorageError {}
