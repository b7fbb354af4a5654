/**
 * CSV output: quoting (RFC 4180) and a sink that collects lines into chunks of
 * about 64 KB, writes them to a stream or file, and waits for `drain` whenever
 * the stream asks it to (back-pressure), so memory stays bounded however many
 * rows are written.
 */
import { createWriteStream, type WriteStream } from "node:fs"
import { finished } from "node:stream/promises"
import { encodeGb18030 } from "./gb18030.js"

/** Where rows go: a writable stream (left open) or a file path (created or truncated, and closed). */
export type Output = NodeJS.WritableStream | string

/** The encoding of a written file. */
export type Encoding = "utf-8" | "gb18030"

const NEEDS_QUOTES = /[",\r\n]/

/** A field as CSV: quoted, with `"` doubled, when it contains a comma, a quote or a line break. */
export const field = (value: string): string => (NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value)

/** One CSV line of `fields`, ending in `\n`. */
export const line = (fields: ReadonlyArray<string | number>): string =>
  fields.map((value) => field(String(value))).join(",") + "\n"

const CHUNK = 64 * 1024

/**
 * Lines in, encoded chunks out, with back-pressure. UTF-8 lines are encoded
 * as they come into a fresh 64 KB buffer per chunk (a stream may hold on to a
 * chunk it was given, so buffers are never reused); GB18030 lines gather as
 * text and are encoded a chunk at a time.
 */
export class CsvSink {
  private readonly stream: NodeJS.WritableStream
  /** The file stream the sink opened, if `out` was a path. */
  private readonly file: WriteStream | undefined
  private readonly utf8: boolean
  private bytes = Buffer.allocUnsafe(CHUNK)
  private used = 0
  private text = ""
  private failure: unknown
  private readonly onError = (error: unknown) => {
    this.failure ??= error
  }

  constructor(out: Output, encoding: Encoding = "utf-8") {
    if (encoding !== "utf-8" && encoding !== "gb18030")
      throw new RangeError(`unsupported encoding: ${String(encoding)}`)
    this.file = typeof out === "string" ? createWriteStream(out) : undefined
    this.stream = this.file ?? (out as NodeJS.WritableStream)
    this.utf8 = encoding === "utf-8"
    this.stream.on("error", this.onError)
  }

  /**
   * Adds lines (each with its `\n`). Returns `true` when a chunk has gathered:
   * the caller then awaits {@link flush}. (Synchronous, so adding a row costs no
   * promise.)
   */
  add(text: string): boolean {
    if (!this.utf8) {
      this.text += text
      return this.text.length >= CHUNK
    }
    const room = this.bytes.length - this.used
    if (text.length * 3 > room && Buffer.byteLength(text) > room) {
      const bigger = Buffer.allocUnsafe(this.used + Math.max(CHUNK, Buffer.byteLength(text)))
      this.bytes.copy(bigger, 0, 0, this.used)
      this.bytes = bigger
    }
    this.used += this.bytes.write(text, this.used)
    return this.used >= CHUNK - 4096
  }

  /** Writes what has gathered and, if the stream's buffer is full, waits until it drains. */
  async flush(): Promise<void> {
    if (this.failure !== undefined) throw this.failure
    let chunk: Buffer
    if (this.utf8) {
      if (this.used === 0) return
      chunk = this.bytes.subarray(0, this.used)
      this.bytes = Buffer.allocUnsafe(CHUNK)
      this.used = 0
    } else {
      if (this.text === "") return
      chunk = encodeGb18030(this.text)
      this.text = ""
    }
    if (!this.stream.write(chunk)) await this.drained()
  }

  /** Flushes; closes the file if the sink opened it (a stream passed in is left open). */
  async close(): Promise<void> {
    try {
      await this.flush()
      if (this.file !== undefined) {
        this.file.end()
        await finished(this.file)
      }
      if (this.failure !== undefined) throw this.failure
    } finally {
      this.stream.off("error", this.onError)
    }
  }

  /** Gives up after a failure: a file the sink opened is closed, a stream passed in is left alone. */
  abort(): void {
    this.stream.off("error", this.onError)
    this.file?.destroy()
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: unknown) => {
        this.stream.off("drain", onDrain)
        this.stream.off("error", onError)
        this.stream.off("close", onClose)
        if (error === undefined) resolve()
        else reject(error)
      }
      const onDrain = () => done()
      const onError = (error: unknown) => done(error)
      const onClose = () => done(new Error("the output stream closed before it drained"))
      this.stream.on("drain", onDrain)
      this.stream.on("error", onError)
      this.stream.on("close", onClose)
    })
  }
}
