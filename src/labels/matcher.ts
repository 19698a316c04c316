// Label matchers with Prometheus semantics: regexes are RE2, fully anchored, `.` matches
// newlines (Prometheus compiles `^(?s:<re>)$`); a matcher that matches "" also selects series
// that lack the label.
import { RE2JS } from "re2js";

export type MatchType = "=" | "!=" | "=~" | "!~";

// StoreAPI / remote-read enum order.
export const MATCH_TYPES: readonly MatchType[] = ["=", "!=", "=~", "!~"];

export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  private readonly re: RE2JS | null;
  // Literal fast paths for common regexes: "a|b|c" set and "prefix.*".
  private readonly set: Set<string> | null;

  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.re = null;
    this.set = null;
    if (type === "=~" || type === "!~") {
      const alts = literalAlternatives(value);
      if (alts) this.set = new Set(alts);
      else this.re = compileAnchored(value);
    }
  }

  matches(v: string): boolean {
    switch (this.type) {
      case "=":
        return v === this.value;
      case "!=":
        return v !== this.value;
      case "=~":
        return this.set ? this.set.has(v) : this.re!.matches(v);
      case "!~":
        return this.set ? !this.set.has(v) : !this.re!.matches(v);
    }
  }

  // Whether the matcher selects series that do not have the label at all.
  get matchesEmpty(): boolean {
    return this.matches("");
  }

  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}

export class MatcherError extends Error {}

export function compileAnchored(re: string): RE2JS {
  try {
    return RE2JS.compile(`^(?s:${re})$`);
  } catch (e) {
    throw new MatcherError(`invalid regular expression ${JSON.stringify(re)}: ${(e as Error).message}`);
  }
}

// "a|b|c" made only of literal characters: matched with a Set instead of a regex.
function literalAlternatives(re: string): string[] | null {
  if (re === "") return [""];
  if (/[\\^$.|?*+()[\]{}]/.test(re.replaceAll("|", ""))) return null;
  return re.split("|");
}

export function newMatcher(type: MatchType, name: string, value: string): Matcher {
  return new Matcher(type, name, value);
}

export function matchesLabels(ms: readonly Matcher[], get: (name: string) => string): boolean {
  for (const m of ms) if (!m.matches(get(m.name))) return false;
  return true;
}
