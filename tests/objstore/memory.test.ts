import { MemoryBucket } from "../../src/objstore/index.ts";
import { bucketConformance } from "./conformance.ts";

bucketConformance("memory", async () => new MemoryBucket());
