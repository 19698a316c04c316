// Go-compatible text formatting shared by tools that must print exactly what Prometheus prints.
export { formatGoFloat } from "./gofloat.ts";
export { formatGoQuote, formatLabelsGo } from "./goquote.ts";
