// --selector.relabel-config: which blocks this gateway serves, decided by Prometheus-style
// relabel rules over each block's external labels (plus `__block_id`, as in Thanos). Only the
// `keep` and `drop` actions are implemented (the ones that select blocks); other actions are
// rejected at startup rather than silently ignored.
import { parse } from "yaml";
import { Matcher } from "../../labels/index.ts";

export interface RelabelRule {
  action: "keep" | "drop";
  sourceLabels: string[];
  separator: string;
  regex: Matcher; // anchored RE2, as Prometheus relabelling
}

export class RelabelConfigError extends Error {}

export function parseRelabelConfig(text: string): RelabelRule[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new RelabelConfigError(`relabel config: invalid YAML: ${(e as Error).message}`);
  }
  if (doc == null) return [];
  if (!Array.isArray(doc)) throw new RelabelConfigError("relabel config: want a YAML list of rules");
  return doc.map((r, i) => {
    const rule = r as Record<string, unknown>;
    const action = String(rule.action ?? "replace").toLowerCase();
    if (action !== "keep" && action !== "drop") {
      throw new RelabelConfigError(`relabel config rule ${i}: action ${JSON.stringify(action)} is not supported for block selection (only keep and drop)`);
    }
    const src = rule.source_labels ?? [];
    if (!Array.isArray(src) || src.some((s) => typeof s !== "string")) throw new RelabelConfigError(`relabel config rule ${i}: source_labels must be a list of label names`);
    const regex = rule.regex === undefined ? "(.*)" : String(rule.regex);
    let m: Matcher;
    try {
      m = new Matcher("=~", "", regex);
    } catch (e) {
      throw new RelabelConfigError(`relabel config rule ${i}: bad regex: ${(e as Error).message}`);
    }
    return { action, sourceLabels: src as string[], separator: rule.separator === undefined ? ";" : String(rule.separator), regex: m };
  });
}

// Whether a block with these labels (external labels + __block_id) survives the rules.
export function keepBlock(rules: readonly RelabelRule[], labels: Record<string, string>): boolean {
  for (const r of rules) {
    const v = r.sourceLabels.map((n) => labels[n] ?? "").join(r.separator);
    const m = r.regex.matches(v);
    if (r.action === "keep" && !m) return false;
    if (r.action === "drop" && m) return false;
  }
  return true;
}
