// snappyjs ships no type declarations; this is the part of its API we use.
declare module "snappyjs" {
  const SnappyJS: {
    compress(input: Uint8Array | ArrayBuffer): Uint8Array | ArrayBuffer;
    uncompress(input: Uint8Array | ArrayBuffer, maxLength?: number): Uint8Array | ArrayBuffer;
  };
  export default SnappyJS;
}
