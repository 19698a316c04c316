// One error type for damaged on-disk data, carrying the block and file so that every layer's
// message reads "block <ULID>: <file>: <what is wrong>" and callers can skip the block.
export interface CorruptionWhere {
  block?: string;
  file: string;
}

export class CorruptionError extends Error {
  readonly block: string | undefined;
  readonly file: string;
  readonly detail: string;
  constructor(where: CorruptionWhere, detail: string) {
    super(`${where.block ? `block ${where.block}: ` : ""}${where.file}: ${detail}`);
    this.name = "CorruptionError";
    this.block = where.block;
    this.file = where.file;
    this.detail = detail;
  }
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
