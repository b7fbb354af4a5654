/**
 * Reads the base-data CSV files of a bulk import (places, residents) one
 * record at a time, so a district's million-row file goes through in bounded
 * memory, and says where each record came from, so a problem in it can be
 * reported as "line N" of the file the user has open in a spreadsheet.
 *
 * Files come from Excel and WPS as often as from scripts: UTF-8 with or
 * without a BOM, or GB18030 (what "CSV" means in a Chinese-locale Excel), with
 * zh-CN or en headers. The encoding is guessed unless the user names it, and
 * headers are matched loosely (case, full-width letters, stray spaces) but
 * checked strictly: every header problem is reported at once, before any
 * record, because a wrong header would make every row wrong.
 *
 * Rows are forgiven what spreadsheets do to them: a row with fewer fields than
 * the header (trailing empty cells dropped) has `""` for the missing columns; a
 * row with more fields (stray trailing commas) keeps the fields the header
 * names and loses the rest; rows with nothing but blanks (`,,,`, which Excel
 * writes for formatted but empty rows) are skipped like empty lines.
 *
 * @since 0.2.0
 */
import { createReadStream } from "node:fs"
import { TextDecoder } from "node:util"
import { parse } from "csv-parse"
import { Schema } from "effect"
import type { Text } from "../Errors.js"

/**
 * The encodings base-data files come in. GBK and GB2312 files are read as
 * GB18030, which contains both, so one decoder serves all three.
 *
 * @since 0.2.0
 */
export type Encoding = "utf-8" | "gb18030"

const ENCODING_NAMES: ReadonlyMap<string, Encoding> = new Map([
  ["utf8", "utf-8"],
  ["utf-8", "utf-8"],
  ["gbk", "gb18030"],
  ["gb2312", "gb18030"],
  ["gb18030", "gb18030"]
])

/**
 * Turns an encoding name a user typed (a CLI flag, a form field) into an
 * {@link Encoding}, so "GBK" and "gb2312" are accepted for what they are:
 * subsets of GB18030. Anything else is `undefined`, for the caller to refuse.
 *
 * @since 0.2.0
 */
export const parseEncoding = (name: string): Encoding | undefined => ENCODING_NAMES.get(name.trim().toLowerCase())

/**
 * One column an import understands. `name` is what the importer sees, whatever
 * the file called it; `aliases` are the other headers users write for it
 * (the zh-CN header of the template above all). A required column that is
 * missing fails the whole file; an optional one is simply absent from
 * {@link CsvRecord.values}.
 *
 * @since 0.2.0
 */
export interface ColumnSpec {
  readonly name: string
  readonly aliases: ReadonlyArray<string>
  readonly required: boolean
}

/**
 * One record, keyed by {@link ColumnSpec.name}. `line` is the physical line
 * (1-based, the header is line 1, blank lines count) where the record starts,
 * which is what a spreadsheet or an editor shows the user; it differs from the
 * record's index as soon as a quoted cell holds a line break. Values are
 * trimmed (U+3000 included), because padding typed in a spreadsheet is never
 * data; only columns present in the header have a key.
 *
 * @since 0.2.0
 */
export interface CsvRecord {
  readonly line: number
  readonly values: Readonly<Record<string, string>>
}

/**
 * How to read a file. `encoding` defaults to `"auto"`; a declared encoding is
 * for the rare file the guess gets wrong. `onProgress` receives the bytes read
 * from the source so far, to be set against the file's size.
 *
 * @since 0.2.0
 */
export interface CsvOptions {
  readonly columns: ReadonlyArray<ColumnSpec>
  readonly encoding?: Encoding | "auto"
  readonly onProgress?: (bytesRead: number) => void
}

const CsvCode = {
  Header: "REGISTRY.CSV_HEADER",
  UnknownColumn: "REGISTRY.CSV_UNKNOWN_COLUMN",
  MissingColumn: "REGISTRY.CSV_MISSING_COLUMN",
  DuplicateColumn: "REGISTRY.CSV_DUPLICATE_COLUMN",
  Empty: "REGISTRY.CSV_EMPTY"
} as const

const HeaderProblem = Schema.Struct({
  /** The header as written for an unknown column, the canonical name otherwise, `""` for an empty file. */
  column: Schema.String,
  code: Schema.Literal(CsvCode.UnknownColumn, CsvCode.MissingColumn, CsvCode.DuplicateColumn, CsvCode.Empty),
  "zh-CN": Schema.String,
  en: Schema.String
})

type HeaderProblem = typeof HeaderProblem.Type

/**
 * The file's header does not fit the import: every problem is listed, so the
 * user fixes the header once rather than once per problem, and no record was
 * read, so nothing was imported from a file whose columns might be shifted.
 *
 * @since 0.2.0
 */
export class CsvHeaderError extends Schema.TaggedError<CsvHeaderError>()("CsvHeaderError", {
  code: Schema.Literal(CsvCode.Header),
  problems: Schema.Array(HeaderProblem)
}) {
  /** Both languages, every problem. */
  get text(): Text {
    return {
      "zh-CN": `CSV 表头有 ${this.problems.length} 处问题：${this.problems.map((p) => p["zh-CN"]).join("；")}`,
      en: `${this.problems.length} problem(s) in the CSV header: ${this.problems.map((p) => p.en).join("; ")}`
    }
  }
  override get message() {
    return `[${this.code}] ${this.text.en} / ${this.text["zh-CN"]}`
  }
}

const CHUNK = 1024 * 1024
const SAMPLE = 64 * 1024
// A legitimate row is well under a kilobyte; a record this long is a quote
// left open, which would otherwise swallow the rest of the file into memory.
const MAX_RECORD = 1024 * 1024
const EMPTY = new Uint8Array(0)

const hasBom = (bytes: Uint8Array): boolean => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf

/**
 * Guesses the encoding of a file from its first bytes, for files whose
 * encoding the user does not know (most of them). GB18030 text is almost never
 * valid UTF-8 beyond a few characters, so "valid UTF-8" is a safe test; a
 * character cut at the end of `head` does not count against UTF-8, since a
 * sample taken from a stream is usually cut mid-character.
 *
 * @since 0.2.0
 */
export const detectEncoding = (head: Uint8Array): Encoding => {
  if (hasBom(head)) return "utf-8"
  try {
    // `stream: true` holds back an incomplete trailing sequence instead of failing on it.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true })
    return "utf-8"
  } catch {
    return "gb18030"
  }
}

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const firstNonAscii = (bytes: Uint8Array): number => {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return i
  return -1
}

type Source = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array | string

function* slices(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK)
}

async function* chunksOf(source: Source, onProgress: ((bytesRead: number) => void) | undefined) {
  const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> =
    typeof source === "string"
      ? createReadStream(source, { highWaterMark: CHUNK })
      : source instanceof Uint8Array
        ? slices(source)
        : source
  let read = 0
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue
    read += chunk.length
    onProgress?.(read)
    yield chunk
  }
}

/**
 * What the parser is fed: UTF-8 goes in as the bytes it is, since csv-parse
 * parses bytes and decoding first would only make it encode them again;
 * GB18030 goes in as text.
 *
 * While auto-detecting, ASCII bytes go straight through (they mean the same
 * in both encodings), and the 64 KiB sample starts at the first byte that is
 * not ASCII: a file whose first rows are all digits and en headers is still
 * recognised by the Chinese that follows them.
 */
const decoder = (declared: Encoding | "auto") => {
  let encoding: Encoding | undefined = declared === "auto" ? undefined : declared
  // Held until three bytes have come, to see whether they are a BOM.
  let start: Uint8Array | undefined = EMPTY
  let sample: Array<Uint8Array> = []
  let sampled = 0
  let gb: TextDecoder | undefined

  const decode = (bytes: Uint8Array, out: Array<Uint8Array | string>): void => {
    if (encoding !== "gb18030") {
      if (bytes.length > 0) out.push(bytes)
      return
    }
    gb ??= new TextDecoder("gb18030")
    const text = gb.decode(bytes, { stream: true })
    if (text !== "") out.push(text)
  }

  const undecided = (bytes: Uint8Array, out: Array<Uint8Array | string>, end: boolean): void => {
    if (sampled === 0) {
      const at = firstNonAscii(bytes)
      if (at === -1) {
        decode(bytes, out)
        if (!end) return
        bytes = EMPTY
      } else {
        decode(bytes.subarray(0, at), out)
        bytes = bytes.subarray(at)
      }
    }
    if (bytes.length > 0) sample.push(bytes)
    sampled += bytes.length
    if (sampled < SAMPLE && !end) return
    const head = concat(sample)
    sample = []
    encoding = detectEncoding(head.subarray(0, SAMPLE))
    decode(head, out)
  }

  const push = (chunk: Uint8Array, end: boolean): Array<Uint8Array | string> => {
    const out: Array<Uint8Array | string> = []
    let bytes = chunk
    if (start !== undefined) {
      bytes = start.length === 0 ? chunk : concat([start, chunk])
      if (bytes.length < 3 && !end) {
        start = bytes
        return out
      }
      start = undefined
      if (hasBom(bytes) && encoding !== "gb18030") {
        encoding = "utf-8"
        bytes = bytes.subarray(3)
      }
    }
    if (encoding === undefined) undecided(bytes, out, end)
    else decode(bytes, out)
    if (end && gb !== undefined) {
      const rest = gb.decode()
      if (rest !== "") out.push(rest)
    }
    return out
  }

  return { push: (chunk: Uint8Array) => push(chunk, false), end: () => push(EMPTY, true) }
}

/** Which field goes to which column: `indexes[i]` is the field of column `names[i]`. */
interface Layout {
  readonly indexes: ReadonlyArray<number>
  readonly names: ReadonlyArray<string>
}

// NFKC turns full-width letters and compatibility ideographs into the plain
// ones; lower case makes en headers case-insensitive and leaves zh-CN as is.
const headerKey = (cell: string): string => cell.trim().normalize("NFKC").toLowerCase()

const hasNonAscii = /[^\x20-\x7e]/

// How the messages name a column: its zh-CN header when it has one, then its canonical name.
const zhLabel = (spec: ColumnSpec): string => {
  const zh = spec.aliases.find((a) => hasNonAscii.test(a))
  return zh === undefined ? spec.name : `“${zh}”（${spec.name}）`
}
const enLabel = (spec: ColumnSpec): string => {
  const zh = spec.aliases.find((a) => hasNonAscii.test(a))
  return zh === undefined ? spec.name : `${spec.name} (${zh})`
}

const layoutOf = (header: ReadonlyArray<string>, columns: ReadonlyArray<ColumnSpec>): Layout => {
  const byKey = new Map<string, ColumnSpec>()
  for (const spec of columns) {
    for (const key of [spec.name, ...spec.aliases].map(headerKey)) if (!byKey.has(key)) byKey.set(key, spec)
  }
  const problems: Array<HeaderProblem> = []
  const seen = new Map<ColumnSpec, { readonly index: number; readonly cell: string }>()
  const indexes: Array<number> = []
  const names: Array<string> = []
  header.forEach((raw, index) => {
    const cell = raw.trim()
    // A blank header is an Excel column that was once used: nothing to match, nothing to import.
    if (cell === "") return
    const spec = byKey.get(headerKey(cell))
    if (spec === undefined) {
      problems.push({
        column: cell,
        code: CsvCode.UnknownColumn,
        "zh-CN": `第 ${index + 1} 列“${cell}”不是可识别的列名`,
        en: `column ${index + 1}, "${cell}", is not a known column`
      })
      return
    }
    const first = seen.get(spec)
    if (first !== undefined) {
      problems.push({
        column: spec.name,
        code: CsvCode.DuplicateColumn,
        "zh-CN": `第 ${first.index + 1} 列“${first.cell}”与第 ${index + 1} 列“${cell}”重复，都是 ${zhLabel(spec)}`,
        en: `columns ${first.index + 1} ("${first.cell}") and ${index + 1} ("${cell}") are both ${enLabel(spec)}`
      })
      return
    }
    seen.set(spec, { index, cell })
    indexes.push(index)
    names.push(spec.name)
  })
  for (const spec of columns) {
    if (spec.required && !seen.has(spec)) {
      problems.push({
        column: spec.name,
        code: CsvCode.MissingColumn,
        "zh-CN": `缺少必填列 ${zhLabel(spec)}`,
        en: `the required column ${enLabel(spec)} is missing`
      })
    }
  }
  if (problems.length > 0) throw new CsvHeaderError({ code: CsvCode.Header, problems })
  return { indexes, names }
}

const emptyFile = (): CsvHeaderError =>
  new CsvHeaderError({
    code: CsvCode.Header,
    problems: [
      {
        column: "",
        code: CsvCode.Empty,
        "zh-CN": "文件是空的，没有表头行",
        en: "the file is empty: there is no header row"
      }
    ]
  })

const isBlank = (fields: ReadonlyArray<string>): boolean => fields.every((f) => f.trim() === "")

// Line breaks inside quoted fields, counted as an editor counts them: CRLF is one.
const lineBreaks = (fields: ReadonlyArray<string>): number => {
  let breaks = 0
  for (const field of fields) {
    if (field.indexOf("\n") === -1 && field.indexOf("\r") === -1) continue
    for (let i = 0; i < field.length; i++) {
      const c = field.charCodeAt(i)
      if (c === 10 || (c === 13 && field.charCodeAt(i + 1) !== 10)) breaks++
    }
  }
  return breaks
}

const toRecord = (fields: ReadonlyArray<string>, layout: Layout, line: number): CsvRecord | undefined => {
  const { indexes, names } = layout
  const values: Record<string, string> = {}
  let blank = true
  for (let i = 0; i < names.length; i++) {
    const value = fields[indexes[i]!]?.trim() ?? ""
    if (value !== "") blank = false
    values[names[i]!] = value
  }
  return blank && isBlank(fields) ? undefined : { line, values }
}

async function* records(source: Source, options: CsvOptions): AsyncGenerator<CsvRecord> {
  const parser = parse({
    bom: false,
    // Every line ending counts, whichever the header used: files get rows appended by other tools.
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true,
    // A quote inside an unquoted cell (5"门面) is text, as Excel reads it.
    relax_quotes: true,
    // Blank lines come through as records so that they are counted in line numbers.
    skip_empty_lines: false,
    max_record_size: MAX_RECORD
  })
  // Parse errors are read from `parser.errored` after each chunk; the event would only be unhandled.
  parser.on("error", () => {})
  const decode = decoder(options.encoding ?? "auto")
  let line = 1
  let layout: Layout | undefined

  const handle = (fields: ReadonlyArray<string>): CsvRecord | undefined => {
    const start = line
    line += 1 + lineBreaks(fields)
    if (layout !== undefined) return toRecord(fields, layout, start)
    if (!isBlank(fields)) layout = layoutOf(fields, options.columns)
    return undefined
  }

  // Records are taken from the parser as the consumer asks for them, so at
  // most one chunk's worth waits in memory. (`for … yield` rather than
  // `yield*`: in an async generator, `yield*` of a sync one costs a few more
  // promises per record.)
  function* take(): Generator<CsvRecord> {
    for (let fields = parser.read() as Array<string> | null; fields !== null; fields = parser.read()) {
      const record = handle(fields)
      if (record !== undefined) yield record
    }
    if (parser.errored) throw parser.errored
  }

  try {
    for await (const chunk of chunksOf(source, options.onProgress)) {
      for (const piece of decode.push(chunk)) {
        parser.write(piece)
        for (const record of take()) yield record
        // Node parses a write at once when none is pending; should one be, let it run first.
        while (parser.writableLength > 0 && !parser.errored) {
          await new Promise<void>((resolve) => setImmediate(resolve))
          for (const record of take()) yield record
        }
      }
    }
    for (const piece of decode.end()) {
      parser.write(piece)
      for (const record of take()) yield record
    }
    parser.end()
    for (const record of take()) yield record
    for await (const fields of parser) {
      const record = handle(fields as Array<string>)
      if (record !== undefined) yield record
    }
    if (layout === undefined) throw emptyFile()
  } finally {
    parser.destroy()
  }
}

/**
 * Reads a CSV file record by record: from a path (streamed from disk), from
 * bytes already in memory, or from any stream of chunks (an upload). Rejects
 * with a {@link CsvHeaderError} before the first record if the header does not
 * fit `columns`; a file that breaks CSV itself (a quote never closed) rejects
 * with csv-parse's error, after the records before it.
 *
 * @example
 * ```ts
 * for await (const { line, values } of readCsv("residents.csv", { columns })) {
 *   // values.id_number, whether the file said "身份证号" or "ID_Number"
 * }
 * ```
 * @since 0.2.0
 */
export const readCsv = (
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array | string,
  options: CsvOptions
): AsyncIterable<CsvRecord> => records(source, options)
