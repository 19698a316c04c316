// AST -> text (Prometheus's String() form) and AST -> the parse_query JSON tree.
export { formatExpr, formatDurationExpr, goQuoteString, matcherString } from "./string.ts";
export { formatDuration, formatGoFloat, formatPlainFloat } from "./numbers.ts";
export { exprToTree, type JsonTree } from "./tree.ts";
