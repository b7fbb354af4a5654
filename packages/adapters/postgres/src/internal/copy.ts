import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import type pg from "pg"
import pgCopyStreams from "pg-copy-streams"

/** Rows are batched into chunks of about this many characters before they are written to the stream. */
const CHUNK_SIZE = 64 * 1024

const NULL = "\\N"
const special = /[\\\t\n\r]/
const specials = /[\\\t\n\r]/g
const escapes: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" }
const escapeChar = (c: string): string => escapes[c] ?? c

// Most values need no escaping; testing first avoids a replace() allocation per field.
const escapeText = (text: string): string => (special.test(text) ? text.replace(specials, escapeChar) : text)

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`)

/**
 * `date.toISOString()`, written out by hand: twice as fast, and bulk rows often
 * carry two or three dates. Years outside 1000-9999 (and invalid dates, which
 * throw) are left to `toISOString`.
 */
const isoString = (date: Date): string => {
  const year = date.getUTCFullYear()
  if (!(year >= 1000 && year <= 9999)) return date.toISOString()
  return (
    `${year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}` +
    `T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}` +
    `.${pad3(date.getUTCMilliseconds())}Z`
  )
}

/**
 * One value in COPY text format. JSON goes through `JSON.stringify`, whose
 * output has no raw control characters, so only its backslashes need doubling.
 */
export const encodeValue = (value: unknown): string => {
  switch (typeof value) {
    case "string":
      return escapeText(value)
    case "number":
    case "bigint":
      return String(value)
    case "boolean":
      return value ? "t" : "f"
    case "undefined":
      return NULL
    case "object":
      if (value === null) return NULL
      if (value instanceof Date) return isoString(value)
      // bytea's hex input format; its leading backslash is itself escaped for COPY.
      if (value instanceof Uint8Array)
        return `\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`
      return escapeText(JSON.stringify(value))
    default:
      throw new TypeError(`A ${typeof value} cannot be written to PostgreSQL`)
  }
}

/** One row in COPY text format, newline included. */
export const encodeRow = (row: ReadonlyArray<unknown>): string => {
  let line = ""
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += "\t"
    line += encodeValue(row[i])
  }
  return line + "\n"
}

type Rows = AsyncIterable<ReadonlyArray<unknown>> | Iterable<ReadonlyArray<unknown>>

// A sync source is walked without `for await`, which would cost a microtask per row.
async function* encodeChunks(rows: Rows): AsyncGenerator<string> {
  let chunk = ""
  if (Symbol.asyncIterator in rows) {
    for await (const row of rows) {
      chunk += encodeRow(row)
      if (chunk.length >= CHUNK_SIZE) {
        yield chunk
        chunk = ""
      }
    }
  } else {
    for (const row of rows) {
      chunk += encodeRow(row)
      if (chunk.length >= CHUNK_SIZE) {
        yield chunk
        chunk = ""
      }
    }
  }
  if (chunk.length > 0) yield chunk
}

/**
 * Streams rows through `COPY ... FROM STDIN` on `client`, returning the row
 * count the server reports. `pipeline` gives backpressure (a chunk is encoded
 * only when the socket has taken the previous ones) and clean failure both
 * ways: a failing source destroys the COPY stream, which sends CopyFail so the
 * connection leaves COPY mode; a failing COPY closes the source iterator.
 */
export const copyRows = async (client: pg.ClientBase, statement: string, rows: Rows): Promise<number> => {
  const stream = client.query(pgCopyStreams.from(statement))
  await pipeline(Readable.from(encodeChunks(rows), { highWaterMark: 1 }), stream)
  return stream.rowCount
}
