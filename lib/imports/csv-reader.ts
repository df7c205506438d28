/**
 * Streaming CSV reader for import files: sniffs the encoding (BOM, UTF-8, else GB18030 — a superset
 * of GBK, what Chinese Excel exports), the delimiter (`,` `;` or tab) and refuses what is not a CSV,
 * then decodes and parses chunk by chunk so a 100 MB file never sits in memory whole.
 * Not server-only: the `npm run import` command and the benchmark use it too.
 */
import { Readable, type Transform } from "node:stream";
import { parse } from "csv-parse";
import iconv from "iconv-lite";
import { AppError } from "@/lib/errors";

export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;

export type TCsvEncoding = "utf-8" | "utf-16le" | "utf-16be" | "gb18030";
export type TCsvDelimiter = "," | ";" | "\t";

export interface TCsvMeta {
  encoding: TCsvEncoding;
  delimiter: TCsvDelimiter;
  /** Unique, non-empty headers (`Email`, `Email (2)`, `Column 3` for a blank one). */
  headers: string[];
}

export interface TOpenedCsv {
  meta: TCsvMeta;
  /** Data rows (blank lines skipped), cells aligned with `meta.headers`, trimmed. */
  rows: AsyncIterable<string[]>;
  /** Bytes read so far (the whole file once `rows` is exhausted). */
  bytesRead: () => number;
}

function tooBig(maxBytes: number): AppError {
  return new AppError(
    "payload_too_large",
    `The file is larger than ${maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MB` : `${Math.round(maxBytes / 1024)} KB`}. Split it into smaller files and upload them one by one.`,
  );
}

/** Refuses binary files with a message that says what to do instead. */
export function assertLooksLikeText(sample: Buffer): void {
  const head = sample.subarray(0, 8);
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw new AppError(
      "unsupported_media_type",
      "This looks like an Excel (.xlsx) or ZIP file. Open it in Excel or Numbers and save it as CSV (UTF-8), then upload the CSV.",
    );
  }
  if (head.subarray(0, 4).toString("latin1") === "%PDF") {
    throw new AppError(
      "unsupported_media_type",
      "This is a PDF, not a CSV file. Export the data as CSV and upload that.",
    );
  }
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (!utf16 && sample.subarray(0, 4096).includes(0)) {
    throw new AppError(
      "unsupported_media_type",
      "This is not a CSV file (it contains binary data). Export the data as CSV (comma, semicolon or tab separated) and upload that.",
    );
  }
}

/** UTF-8 unless the sample is not valid UTF-8 (ignoring a character cut at the sample's end). */
export function sniffEncoding(sample: Buffer): { encoding: TCsvEncoding; bomBytes: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: "utf-8", bomBytes: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: "utf-16le", bomBytes: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: "utf-16be", bomBytes: 2 };
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let cut = 0; cut <= 3 && cut < sample.length; cut++) {
    try {
      decoder.decode(sample.subarray(0, sample.length - cut));
      return { encoding: "utf-8", bomBytes: 0 };
    } catch {
      // A multi-byte character may be cut at the end of the sample: retry a byte shorter.
    }
    if (sample.length < SNIFF_BYTES) break;
  }
  return { encoding: "gb18030", bomBytes: 0 };
}

/** The delimiter that splits the header line (outside quotes) into the most fields. */
export function sniffDelimiter(text: string): TCsvDelimiter {
  const counts: Record<TCsvDelimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && (ch === "," || ch === ";" || ch === "\t")) counts[ch]++;
  }
  const best = (Object.entries(counts) as [TCsvDelimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  return best && best[1] > 0 ? best[0] : ",";
}

/** Blank headers get `Column N`; repeated ones get ` (2)`, ` (3)`… so every column stays addressable. */
export function uniqueHeaders(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    const base = h.replace(/^\uFEFF/, "").trim() || `Column ${i + 1}`;
    const n = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

async function readSample(
  iterator: AsyncIterator<Uint8Array>,
  maxBytes: number,
): Promise<{ sample: Buffer; done: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) return { sample: Buffer.concat(parts), done: true };
    const chunk = Buffer.from(next.value);
    size += chunk.length;
    if (size > maxBytes) throw tooBig(maxBytes);
    parts.push(chunk);
  }
  return { sample: Buffer.concat(parts), done: false };
}

/**
 * Opens a CSV byte stream: refuses empty, binary and oversized input with a clear AppError (the
 * size limit is enforced while streaming, so an oversized upload fails as soon as it crosses it).
 */
export async function openCsv(
  source: AsyncIterable<Uint8Array>,
  options: { maxBytes?: number } = {},
): Promise<TOpenedCsv> {
  const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
  const iterator = source[Symbol.asyncIterator]();
  const { sample, done } = await readSample(iterator, maxBytes);
  if (sample.toString("latin1").trim() === "") {
    throw new AppError(
      "bad_request",
      "The file is empty. Upload a CSV with a header row and at least one data row.",
    );
  }
  assertLooksLikeText(sample);
  const { encoding, bomBytes } = sniffEncoding(sample);
  const delimiter = sniffDelimiter(iconv.decode(sample.subarray(bomBytes), encoding));

  let bytes = sample.length;
  async function* rest(): AsyncGenerator<Buffer> {
    yield sample.subarray(bomBytes);
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      bytes += next.value.length;
      if (bytes > maxBytes) throw tooBig(maxBytes);
      yield Buffer.from(next.value);
    }
  }
  const parser = parse({
    delimiter,
    bom: true,
    // Files edited on several machines mix line endings; accept all three everywhere.
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    trim: true,
  });
  // Errors anywhere upstream (size limit, decoding) surface where the rows are read.
  const byteStream = Readable.from(rest());
  const decoded = byteStream.pipe(iconv.decodeStream(encoding) as unknown as Transform);
  byteStream.on("error", (e) => parser.destroy(e));
  decoded.on("error", (e) => parser.destroy(e));
  const records = decoded.pipe(parser)[Symbol.asyncIterator]() as AsyncIterator<string[]>;

  const first = await records.next();
  if (first.done) {
    throw new AppError(
      "bad_request",
      "The file is empty. Upload a CSV with a header row and at least one data row.",
    );
  }
  const headers = uniqueHeaders(first.value);
  async function* rows(): AsyncGenerator<string[]> {
    for (;;) {
      const next = await records.next();
      if (next.done) return;
      const cells = next.value;
      yield headers.map((_, i) => cells[i] ?? "");
    }
  }
  return { meta: { encoding, delimiter, headers }, rows: rows(), bytesRead: () => bytes };
}
