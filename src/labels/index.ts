export * from "./labels.ts";
export * from "./matcher.ts";
