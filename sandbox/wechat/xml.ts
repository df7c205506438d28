/**
 * WeChat's callback XML: a flat `<xml>` with text in CDATA and numbers bare, e.g.
 * `<xml><ToUserName><![CDATA[gh_…]]></ToUserName><CreateTime>1348831860</CreateTime>…</xml>`.
 */
import { XMLParser } from "fast-xml-parser";

export type TXmlField = readonly [name: string, value: string | number];

/** `]]>` cannot appear inside one CDATA section, so it is split across two. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

export function renderWechatXml(fields: readonly TXmlField[]): string {
  const body = fields
    .map(([name, value]) => `<${name}>${typeof value === "number" ? String(value) : cdata(value)}</${name}>`)
    .join("");
  return `<xml>${body}</xml>`;
}

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  processEntities: true,
});

/** Top-level fields of `<xml>`; nested elements (image/news replies) come back as JSON text. */
export function parseWechatXml(xml: string): Record<string, string> | null {
  let parsed: unknown;
  try {
    parsed = parser.parse(xml, true);
  } catch {
    return null;
  }
  const root = (parsed as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== "object") return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    out[k] = typeof v === "string" ? v : typeof v === "number" ? String(v) : JSON.stringify(v);
  }
  return out;
}
