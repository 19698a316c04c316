// Just enough XML for S3's responses (ListBucketResult, Error, InitiateMultipartUploadResult,
// CompleteMultipartUploadResult): flat elements, no namespaces that matter, no CDATA. Elements
// of one name are never nested inside each other in these documents, so a lazy match suffices.

/** Inner XML of every `<tag>…</tag>` (or "" for `<tag/>`), in document order. */
export function xmlElements(xml: string, tag: string): string[] {
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}\\s*>)`, "g");
  const out: string[] = [];
  for (const m of xml.matchAll(re)) out.push(m[1] ?? "");
  return out;
}

/** Decoded text of the first `<tag>`, or undefined when absent. */
export function xmlText(xml: string, tag: string): string | undefined {
  const all = xmlElements(xml, tag);
  return all.length === 0 ? undefined : decodeXml(all[0]);
}

export function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    switch (e) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
    }
    return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}
