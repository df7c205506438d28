/**
 * Generators of malformed input shared by every fuzzed endpoint: header values, content types, junk
 * text (unicode, control characters, lone surrogates, huge strings), broken and wrongly-typed JSON,
 * XML and CSV, and raw bytes. Each endpoint's test mixes these with near-valid inputs of its own.
 */
import fc from "fast-check";

const charIn = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

/** What can travel in an HTTP header value (visible ASCII and Latin-1, no CR/LF/NUL). */
export const headerText = fc.string({
  unit: fc.oneof({ weight: 8, arbitrary: charIn(0x20, 0x7e) }, { weight: 1, arbitrary: charIn(0xa0, 0xff) }),
  maxLength: 120,
});

export const contentType = fc.option(
  fc.oneof(
    fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "application/json; charset=utf-16le",
      "text/plain",
      "text/csv",
      "text/xml",
      "application/xml",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=----fuzz",
      "application/octet-stream",
      "image/png",
      "*/*",
      "",
    ),
    headerText,
  ),
  { nil: undefined },
);

/** Strings chosen to break parsers, databases and templates. */
export const nastyString = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDFFFx",
  "\uFEFF",
  "\u202Eevil",
  "e\u0301",
  "𝕳𝖊𝖑𝖑𝖔",
  "👩‍👩‍👧‍👦",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "0x1F",
  "9".repeat(400),
  '\'; DROP TABLE "User"; --',
  "${7*7}{{7*7}}",
  "../../etc/passwd",
  "%00%0d%0a",
  "\r\n\r\n",
  "<script>alert(1)</script>",
  "__proto__",
  "constructor",
  "]]>",
  "<![CDATA[",
);

/** Any text: nasty strings, full-range unicode (including lone surrogates), or a long run. */
export const junkText = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: charIn(0, 0xffff), maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => "x".repeat(n)) },
);

/** Any JSON value whose strings are junk text. */
export const junkJsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53 + 1, -1e308),
    fc.integer(),
    junkText,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.oneof(junkText, fc.string({ maxLength: 12 })), tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** Objects carrying the endpoint's own field names with wrong or junk values (reaches the validators). */
export function objectWithKeys(keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), junkJsonValue, {
    maxKeys: Math.max(3, keys.length + 2),
  });
}

/** Deeply nested arrays or objects (stack-depth attacks on parsers and validators). */
export const deepJson = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean())
  .map(([n, arrays]) => (arrays ? "[".repeat(n) + "]".repeat(n) : '{"a":'.repeat(n) + "1" + "}".repeat(n)));

/** JSON texts that are malformed or wrongly shaped: wrong types, truncated, nested, polluting. */
export function junkJsonText(keys: readonly string[] = []): fc.Arbitrary<string> {
  const shaped = fc.oneof(objectWithKeys(keys), fc.array(objectWithKeys(keys), { maxLength: 4 }));
  return fc.oneof(
    { weight: 3, arbitrary: shaped.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: junkJsonValue.map((v) => JSON.stringify(v) ?? "null") },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          shaped.map((v) => JSON.stringify(v)),
          fc.nat(),
        )
        .map(([s, n]) => s.slice(0, n % Math.max(1, s.length))),
    },
    { weight: 1, arbitrary: deepJson },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__":{"role":"ADMIN"}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '{"a":1,"a":2}',
        "{'single':'quotes'}",
        "[1,2,]",
        "NaN",
        '"\\ud800"',
        '{"x":"\\u0000"}',
        "\uFEFF{}",
        "{}garbage",
      ),
    },
  );
}

const randomXmlText = fc.string({
  unit: fc.constantFrom("<", ">", "/", "x", "m", "l", "!", "[", "]", "&", ";", " ", '"', "="),
  maxLength: 80,
});

/** XML that is broken, hostile (DOCTYPE, entities) or well-formed with junk fields. */
export const junkXmlText = fc.oneof(
  fc
    .record({
      to: junkText,
      from: junkText,
      time: fc.oneof(fc.integer().map(String), junkText),
      type: fc.oneof(fc.constantFrom("text", "event", "image", ""), junkText),
      content: junkText,
      // Never a real event name: signed copies of these must ask for nothing (see wechat.fuzz).
      event: junkText,
    })
    .map(
      (m) =>
        `<xml><ToUserName><![CDATA[${m.to}]]></ToUserName><FromUserName><![CDATA[${m.from}]]></FromUserName>` +
        `<CreateTime>${m.time}</CreateTime><MsgType><![CDATA[${m.type}]]></MsgType>` +
        `<Content><![CDATA[${m.content}]]></Content><Event>${m.event}</Event><MsgId>1</MsgId></xml>`,
    ),
  fc
    .tuple(fc.string({ maxLength: 60 }), fc.nat())
    .map(([s, n]) => `<xml><Encrypt><![CDATA[${s}`.slice(0, 10 + (n % 40))),
  junkText.map((s) => `<xml><Encrypt><![CDATA[${s}]]></Encrypt></xml>`),
  fc.constantFrom(
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><A>&b;</A></xml>',
    '<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><A>&xxe;</A></xml>',
    "<xml><A><B><C></C></B></A></xml>",
    "<xml></xml>",
    "<xml>",
    "</xml>",
    "<notxml><a>1</a></notxml>",
    "<xml><a>1</a><a>2</a></xml>",
    "<xml attr='1'><ToUserName>x</ToUserName></xml>",
    "<xml><![CDATA[",
  ),
  fc.integer({ min: 50, max: 5_000 }).map((n) => "<xml>" + "<a>".repeat(n) + "</a>".repeat(n) + "</xml>"),
  randomXmlText,
);

/** Files that are not usable CSV: empty, binary, unbalanced quotes, header only, ragged, other formats. */
export const junkCsvBytes: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom(
    "",
    "\n\n\n",
    "\uFEFF",
    'a,b\n"unclosed,1\n',
    "only,a,header\n",
    "a,b\n1,2,3,4\n5\n",
    "a;b;c\n1;2;3\n",
    "\u0000\u0000\u0000",
    '"a""b",c\n"x\n',
    "a,a,a\n1,2,3\n",
  ),
  fc.uint8Array({ maxLength: 2_048 }),
  fc.constant(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
  fc.constant(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])),
  fc.constant(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x2c, 0, 0x62, 0])),
  fc
    .array(fc.array(junkText, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 })
    .map((rows) => rows.map((r) => r.join(",")).join("\n")),
  fc
    .array(fc.constantFrom(",", '"', "\n", "\r", "a", "1", ";", "\t", " "), { maxLength: 200 })
    .map((c) => c.join("")),
);

/** A request body of any kind: junk JSON, XML, CSV, text or bytes, or none. */
export function junkBody(keys: readonly string[] = []): fc.Arbitrary<string | Uint8Array | undefined> {
  return fc.oneof(
    { weight: 5, arbitrary: junkJsonText(keys) },
    { weight: 1, arbitrary: junkXmlText },
    { weight: 1, arbitrary: junkCsvBytes },
    { weight: 1, arbitrary: junkText },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1_024 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Query strings of junk names and values, percent-encoded as a browser would. */
export function junkQuery(names: readonly string[] = []): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...names, "x"), fc.string({ maxLength: 8 })), junkText), {
      maxLength: 4,
    })
    .map((pairs) => {
      const q = new URLSearchParams();
      for (const [k, v] of pairs) q.append(k, v.slice(0, 2_000));
      const s = q.toString();
      return s ? `?${s}` : "";
    });
}

/** Path segments (dynamic route params) that are junk: empty, encoded, traversal, huge, unicode. */
export const junkSegment = fc.oneof(
  fc.constantFrom("", "..", "%00", "null", "0", "-1", "00000000-0000-0000-0000-000000000000"),
  junkText.map((s) => s.slice(0, 500)),
  fc.uuid(),
);
