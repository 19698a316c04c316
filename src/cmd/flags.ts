// A small flag parser with Thanos/kingpin conventions: `--name=value`, `--name value`,
// boolean `--name` / `--no-name`, repeatable flags collected into arrays, positional args kept.
export interface FlagSpec {
  name: string;
  help: string;
  default?: string | boolean | string[];
  type?: "string" | "bool" | "list";
}

export interface ParsedFlags {
  values: Map<string, string | boolean | string[]>;
  positional: string[];
}

export class FlagError extends Error {}

export function parseFlags(argv: string[], specs: FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, string | boolean | string[]>();
  for (const s of specs) {
    if (s.default !== undefined) values.set(s.name, Array.isArray(s.default) ? [...s.default] : s.default);
    else if (s.type === "list") values.set(s.name, []);
  }
  const seenList = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let spec = byName.get(name);
    if (!spec && name.startsWith("no-") && byName.get(name.slice(3))?.type === "bool" && value === undefined) {
      name = name.slice(3);
      spec = byName.get(name);
      value = "false";
    }
    if (!spec) throw new FlagError(`unknown flag --${name}`);
    if (spec.type === "bool") {
      const v = value ?? "true";
      if (v !== "true" && v !== "false") throw new FlagError(`flag --${name} wants true or false, got ${JSON.stringify(v)}`);
      values.set(name, v === "true");
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new FlagError(`flag --${name} needs a value`);
      value = argv[++i];
    }
    if (spec.type === "list") {
      // The first explicit use replaces the default list, later uses append.
      const cur = seenList.has(name) ? (values.get(name) as string[]) : [];
      seenList.add(name);
      values.set(name, [...cur, value]);
    } else values.set(name, value);
  }
  return { values, positional };
}

export function flagHelp(specs: FlagSpec[]): string {
  return specs
    .map((s) => {
      const kind = s.type === "bool" ? "" : s.type === "list" ? "=VALUE ..." : "=VALUE";
      const def = s.default !== undefined && s.default !== "" && !(Array.isArray(s.default) && !s.default.length) ? ` (default: ${s.default})` : "";
      return `  --${s.name}${kind}\n      ${s.help}${def}`;
    })
    .join("\n");
}

// Typed accessors so command files stay declarative.
export function str(f: ParsedFlags, name: string): string {
  const v = f.values.get(name);
  return typeof v === "string" ? v : "";
}
export function bool(f: ParsedFlags, name: string): boolean {
  return f.values.get(name) === true;
}
export function list(f: ParsedFlags, name: string): string[] {
  const v = f.values.get(name);
  return Array.isArray(v) ? v : [];
}
