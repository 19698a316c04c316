// StoreAPI LabelMatcher <-> our Matcher (anchored RE2 semantics), and the external-label check
// used to skip stores that cannot hold a request's series.
import { create } from "@bufbuild/protobuf";
import { LabelMatcher_Type, LabelMatcherSchema, type LabelMatcher } from "../gen/thanos/store/types_pb.ts";
import { Matcher, MatcherError, type Labels, type MatchType } from "../labels/index.ts";
import { invalidArgument } from "./errors.ts";

const TYPES: Record<number, MatchType> = {
  [LabelMatcher_Type.EQ]: "=",
  [LabelMatcher_Type.NEQ]: "!=",
  [LabelMatcher_Type.RE]: "=~",
  [LabelMatcher_Type.NRE]: "!~",
};
const PROTO_TYPES: Record<MatchType, LabelMatcher_Type> = {
  "=": LabelMatcher_Type.EQ,
  "!=": LabelMatcher_Type.NEQ,
  "=~": LabelMatcher_Type.RE,
  "!~": LabelMatcher_Type.NRE,
};

// Throws StoreError(InvalidArgument) for unknown types and bad regexes.
export function matchersFromProto(ms: readonly LabelMatcher[]): Matcher[] {
  return ms.map((m) => {
    const t = TYPES[m.type];
    if (!t) throw invalidArgument(`unknown label matcher type ${m.type}`);
    try {
      return new Matcher(t, m.name, m.value);
    } catch (e) {
      if (e instanceof MatcherError) throw invalidArgument(e.message);
      throw e;
    }
  });
}

export function matchersToProto(ms: readonly Matcher[]): LabelMatcher[] {
  return ms.map((m) => create(LabelMatcherSchema, { type: PROTO_TYPES[m.type], name: m.name, value: m.value }));
}

// Whether a store with these external label sets may have series matching `ms`: some set does not
// contradict any matcher on a label it defines. No label sets means "anything".
export function externalLabelsMatch(ms: readonly Matcher[], labelSets: readonly Labels[]): boolean {
  if (labelSets.length === 0) return true;
  return labelSets.some((set) =>
    ms.every((m) => {
      const l = set.find((x) => x.name === m.name);
      return l === undefined || m.matches(l.value);
    }),
  );
}
