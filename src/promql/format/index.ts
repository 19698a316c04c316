// AST -> text (Prometheus's String() form), prettified text (format_query) and the
// parse_query JSON tree.
export { formatExpr, formatDurationExpr, goQuoteString, matcherString } from "./string.ts";
export { formatGoFloat, formatPlainFloat } from "./numbers.ts";
export { formatDuration } from "../../duration/index.ts";
export { exprToTree, type JsonTree } from "./tree.ts";
export { prettyExpr } from "./pretty.ts";
