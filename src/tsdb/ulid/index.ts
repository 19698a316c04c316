export { ulid, ulidTime, isUlid, UlidError } from "./ulid.ts";
