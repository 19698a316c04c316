// label_replace and label_join: rewrite one label per series (once per query, since a step
// series keeps its labels for every step).
import type { Label, Labels } from "../../labels/labels.ts";
import { isValidLabelName, METRIC_NAME, sortLabels } from "../../labels/labels.ts";
import { compileAnchored, MatcherError } from "../../labels/matcher.ts";
import { execError } from "../engine/context.ts";
import type { StepSeries } from "../engine/series.ts";

function setLabel(ls: Labels, name: string, value: string): Labels {
  const out: Label[] = ls.filter((l) => l.name !== name);
  if (value !== "") out.push({ name, value });
  return sortLabels(out);
}

// Go's regexp Expand: $1, ${1}, $name, ${name}, $$; unknown names expand to "".
function expand(template: string, groups: (name: string) => string | undefined): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== "$" || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string;
    let j: number;
    if (template[i + 1] === "{") {
      const close = template.indexOf("}", i + 2);
      const inner = close < 0 ? "" : template.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(inner)) {
        out += c;
        continue;
      }
      name = inner;
      j = close + 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      name = m[0];
      j = i + 1 + name.length;
    }
    out += groups(name) ?? "";
    i = j - 1;
  }
  return out;
}

export function labelReplace(
  series: StepSeries[],
  dst: string,
  repl: string,
  src: string,
  regex: string,
): StepSeries[] {
  let re;
  try {
    re = compileAnchored(regex);
  } catch (e) {
    if (e instanceof MatcherError) throw execError(`invalid regular expression in label_replace(): ${regex}`);
    throw e;
  }
  if (!isValidLabelName(dst)) throw execError(`invalid destination label name in label_replace(): ${dst}`);
  const named = re.namedGroups() as Record<string, number>;
  for (const s of series) {
    const sv = s.metric.find((l) => l.name === src)?.value ?? "";
    const m = re.matcher(sv);
    if (!m.matches()) continue;
    const res = expand(repl, (name) => {
      const idx = /^\d+$/.test(name) ? Number(name) : named[name];
      if (idx === undefined || idx > re.groupCount()) return "";
      return m.group(idx) ?? "";
    });
    s.metric = setLabel(s.metric, dst, res);
    if (dst === METRIC_NAME) s.dropName = false;
  }
  return series;
}

export function labelJoin(series: StepSeries[], dst: string, sep: string, srcs: string[]): StepSeries[] {
  if (!isValidLabelName(dst)) throw execError(`invalid destination label name in label_join(): ${dst}`);
  for (const src of srcs) {
    if (!isValidLabelName(src)) throw execError(`invalid source label name in label_join(): ${src}`);
  }
  for (const s of series) {
    const val = srcs.map((n) => s.metric.find((l) => l.name === n)?.value ?? "").join(sep);
    s.metric = setLabel(s.metric, dst, val);
    if (dst === METRIC_NAME) s.dropName = false;
  }
  return series;
}
