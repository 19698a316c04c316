// The one object-storage interface every Aeon component talks to, shaped after Thanos's
// objstore.Bucket so the same bucket layout and semantics carry over:
// - names are "/"-separated keys relative to the bucket root (e.g. "01H.../chunks/000001");
// - `iter(dir)` treats `dir` as a directory (a trailing "/" is implied), yields full names, and
//   when not recursive yields sub-directories once, with a trailing "/";
// - a missing object is an ObjNotFoundError (check with isObjNotFoundErr), never a null.
export const DIR_DELIM = "/";

export interface ObjectAttributes {
  size: number;
  lastModified: Date;
}

export interface IterOptions {
  recursive?: boolean;
}

/** A local file to upload, read piece by piece so large files never sit whole in memory. */
export interface FileSource {
  kind: "file";
  path: string;
}

export type UploadBody = Uint8Array | string | ReadableStream<Uint8Array> | FileSource;

export const fromFile = (path: string): FileSource => ({ kind: "file", path });

export interface Bucket {
  /** For logs and errors: "filesystem:/data", "s3:my-bucket", ... */
  readonly name: string;
  get(name: string): Promise<Uint8Array>;
  /** For large objects: the caller must read the stream to its end or cancel it. */
  getStream(name: string): Promise<ReadableStream<Uint8Array>>;
  /**
   * Bytes [offset, offset+length) of an object; length -1 reads to the end. A range past the
   * end returns the bytes that exist (possibly none), as on every backend.
   */
  getRange(name: string, offset: number, length: number): Promise<Uint8Array>;
  exists(name: string): Promise<boolean>;
  attributes(name: string): Promise<ObjectAttributes>;
  /** Creates or replaces the object; readers see either the old or the whole new object. */
  upload(name: string, body: UploadBody): Promise<void>;
  /** Removes the object; removing a missing object is not an error (S3 semantics). */
  delete(name: string): Promise<void>;
  iter(dir: string, opts?: IterOptions): AsyncIterable<string>;
  isObjNotFoundErr(err: unknown): boolean;
  close(): Promise<void>;
}

export class ObjNotFoundError extends Error {
  readonly objectName: string;
  constructor(bucket: string, objectName: string, detail = "") {
    super(`${bucket}: object ${JSON.stringify(objectName)} not found${detail ? ": " + detail : ""}`);
    this.name = "ObjNotFoundError";
    this.objectName = objectName;
  }
}

export function isObjNotFoundErr(err: unknown): boolean {
  return err instanceof ObjNotFoundError;
}

/** Thanos's convention: a non-empty dir is always treated as a directory prefix ending in "/". */
export function dirPrefix(dir: string): string {
  if (dir === "" || dir === DIR_DELIM) return "";
  return dir.endsWith(DIR_DELIM) ? dir : dir + DIR_DELIM;
}

/** Object names are relative keys: no leading "/", no empty, "." or ".." segments. */
export function checkObjectName(bucket: string, name: string): void {
  if (name === "" || name.startsWith(DIR_DELIM) || name.endsWith(DIR_DELIM)) {
    throw new Error(`${bucket}: invalid object name ${JSON.stringify(name)}`);
  }
  for (const seg of name.split(DIR_DELIM)) {
    if (seg === "" || seg === "." || seg === "..") {
      throw new Error(`${bucket}: invalid object name ${JSON.stringify(name)}`);
    }
  }
}

/** Collects an iteration into an array (tests, small listings). */
export async function iterAll(bucket: Bucket, dir: string, opts?: IterOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const n of bucket.iter(dir, opts)) out.push(n);
  return out;
}
