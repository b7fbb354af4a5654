import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  type ColumnSpec,
  CsvHeaderError,
  type CsvOptions,
  type CsvRecord,
  detectEncoding,
  parseEncoding,
  readCsv
} from "../../src/registry/Csv.js"

const columns: ReadonlyArray<ColumnSpec> = [
  { name: "name", aliases: ["姓名"], required: true },
  { name: "id_number", aliases: ["身份证号", "公民身份号码"], required: true },
  { name: "phone", aliases: ["联系电话", "电话"], required: false },
  { name: "address", aliases: ["住址"], required: false }
]

// GB18030 bytes, from the GB 2312 code table (row/cell + 0xA0 each) and
// checked with glibc `iconv -f utf-8 -t gb18030`. Node has no GB18030 encoder.
const GB = {
  姓名: [0xd0, 0xd5, 0xc3, 0xfb],
  身份证号: [0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5],
  张三: [0xd5, 0xc5, 0xc8, 0xfd],
  // U+4DAE, a rare character of personal names, in GBK's extension area.
  䶮: [0xfe, 0x9f],
  // U+20000 (CJK Extension B): GB18030's four-byte form.
  "𠀀": [0x95, 0x32, 0x82, 0x36]
} as const

const ascii = (s: string): Array<number> => Array.from(Buffer.from(s, "latin1"))

// 姓名,身份证号\n张三,110101199003070011\n䶮𠀀,110101199003070027\n
const gbFile = Uint8Array.from([
  ...GB.姓名,
  ...ascii(","),
  ...GB.身份证号,
  ...ascii("\n"),
  ...GB.张三,
  ...ascii(",110101199003070011\n"),
  ...GB.䶮,
  ...GB["𠀀"],
  ...ascii(",110101199003070027\n")
])

const gbRecords: Array<CsvRecord> = [
  { line: 2, values: { name: "张三", id_number: "110101199003070011" } },
  { line: 3, values: { name: "䶮𠀀", id_number: "110101199003070027" } }
]

const utf8 = (s: string): Uint8Array => Buffer.from(s, "utf8")
const BOM = "\uFEFF"

const collect = async (source: Parameters<typeof readCsv>[0], options: Partial<CsvOptions> = {}) => {
  const out: Array<CsvRecord> = []
  for await (const record of readCsv(source, { columns, ...options })) out.push(record)
  return out
}

/** What came before the iteration rejected, and what it rejected with. */
const failure = async (source: Parameters<typeof readCsv>[0], options: Partial<CsvOptions> = {}) => {
  const seen: Array<CsvRecord> = []
  try {
    for await (const record of readCsv(source, { columns, ...options })) seen.push(record)
  } catch (error) {
    return { error, seen }
  }
  throw new Error("expected readCsv to reject")
}

const splitAt = (bytes: Uint8Array, at: number): Array<Uint8Array> => [bytes.subarray(0, at), bytes.subarray(at)]
const byteByByte = (bytes: Uint8Array): Array<Uint8Array> => Array.from(bytes, (b) => Uint8Array.of(b))

describe("parseEncoding", () => {
  it("accepts the names users give, in any case, and reads GBK and GB2312 as GB18030", () => {
    expect(["utf8", "UTF-8", " Utf-8 "].map(parseEncoding)).toEqual(["utf-8", "utf-8", "utf-8"])
    expect(["gbk", "GBK", "gb2312", "GB2312", "gb18030", "GB18030"].map(parseEncoding)).toEqual(
      Array(6).fill("gb18030")
    )
  })

  it("refuses anything else, auto included, for the caller to report", () => {
    expect(["latin1", "utf-16le", "big5", "auto", ""].map(parseEncoding)).toEqual(Array(5).fill(undefined))
  })
})

describe("detectEncoding", () => {
  it("takes a UTF-8 BOM as UTF-8 whatever follows", () => {
    expect(detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, ...GB.张三]))).toBe("utf-8")
  })

  it("takes valid UTF-8, and plain ASCII, as UTF-8", () => {
    expect(detectEncoding(utf8("姓名,身份证号\n张三,1"))).toBe("utf-8")
    expect(detectEncoding(utf8("name,id_number\n"))).toBe("utf-8")
    expect(detectEncoding(new Uint8Array(0))).toBe("utf-8")
  })

  it("does not hold a character cut at the end of the sample against UTF-8", () => {
    const bytes = utf8("张三𠀀")
    for (let at = 1; at <= bytes.length; at++) expect(detectEncoding(bytes.subarray(0, at))).toBe("utf-8")
  })

  it("takes bytes that are not UTF-8 as GB18030", () => {
    expect(new TextDecoder("gb18030").decode(gbFile)).toBe(
      "姓名,身份证号\n张三,110101199003070011\n䶮𠀀,110101199003070027\n"
    )
    expect(detectEncoding(gbFile)).toBe("gb18030")
    expect(detectEncoding(Uint8Array.from(GB.张三))).toBe("gb18030")
  })
})

describe("readCsv: encodings", () => {
  it("reads a UTF-8 file with a BOM and zh-CN headers into canonical keys", async () => {
    const file = utf8(`${BOM}姓名,身份证号,联系电话\n张三,110101199003070011,13800000000\n`)
    expect(await collect(file)).toEqual([
      { line: 2, values: { name: "张三", id_number: "110101199003070011", phone: "13800000000" } }
    ])
  })

  it("detects and decodes a GB18030 file without a BOM, four-byte characters included", async () => {
    expect(await collect(gbFile)).toEqual(gbRecords)
  })

  it("reads a file declared gbk or gb2312 as GB18030", async () => {
    for (const name of ["gbk", "gb2312", "GB18030"]) {
      const encoding = parseEncoding(name)
      expect(encoding).toBe("gb18030")
      expect(await collect(gbFile, { encoding: encoding! })).toEqual(gbRecords)
    }
  })

  it("strips the BOM of a file declared UTF-8", async () => {
    const file = utf8(`${BOM}name,id_number\n张三,1\n`)
    expect(await collect(file, { encoding: "utf-8" })).toEqual([{ line: 2, values: { name: "张三", id_number: "1" } }])
  })

  it("decodes a character split across two chunks, at every byte offset", async () => {
    const utf8File = utf8(`${BOM}姓名,身份证号\n张三,110101199003070011\n䶮𠀀,110101199003070027\n`)
    for (const [file, encoding] of [
      [utf8File, "auto"],
      [gbFile, "auto"],
      [gbFile, "gb18030"]
    ] as const) {
      for (let at = 0; at <= file.length; at++) {
        expect(await collect(splitAt(file, at), { encoding })).toEqual(gbRecords)
      }
      expect(await collect(byteByByte(file), { encoding })).toEqual(gbRecords)
    }
  })

  it("detects GB18030 even when the first 64 KiB are ASCII, from the Chinese that follows", async () => {
    const rows = "x,110101199003070011\n".repeat(4000)
    const file = Uint8Array.from([...ascii(`name,id_number\n${rows}`), ...GB.张三, ...ascii(",110101199003070027\n")])
    const records = await collect(file)
    expect(records).toHaveLength(4001)
    expect(records[4000]).toEqual({ line: 4002, values: { name: "张三", id_number: "110101199003070027" } })
  })

  it("keeps UTF-8 when the 64 KiB sample ends in the middle of a character", async () => {
    const row = "欧阳明月,110101199003070011,北京市东城区和平里街道\n"
    const file = utf8(`姓名,身份证号,住址\n${row.repeat(2000)}`)
    // The sample is whole chunks adding up to 64 KiB or more; these sizes all end it inside a character.
    for (const end of [66_000, 65_536, 131_070]) {
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(file.subarray(0, end))).toThrow()
    }
    for (const size of [1000, 4096, 65535]) {
      const chunks: Array<Uint8Array> = []
      for (let at = 0; at < file.length; at += size) chunks.push(file.subarray(at, at + size))
      const records = await collect(chunks)
      expect(records).toHaveLength(2000)
      expect(records.every((r) => r.values.name === "欧阳明月" && r.values.address === "北京市东城区和平里街道")).toBe(
        true
      )
    }
  })
})

describe("readCsv: records and line numbers", () => {
  const file = [
    "name,id_number,address", // 1
    '张三,1,"北京市', // 2
    '东城区"', // 3
    "", // 4
    "李四,2,", // 5
    " \u3000 ", // 6
    ",,", // 7
    '王五,3,"a,b""c"""' // 8
  ]
  const expected = (newline: string): Array<CsvRecord> => [
    { line: 2, values: { name: "张三", id_number: "1", address: `北京市${newline}东城区` } },
    { line: 5, values: { name: "李四", id_number: "2", address: "" } },
    { line: 8, values: { name: "王五", id_number: "3", address: 'a,b"c"' } }
  ]

  it("numbers a record by the line it starts on: the header is line 1, line breaks in quotes and blank lines count", async () => {
    expect(await collect(utf8(file.join("\n") + "\n"))).toEqual(expected("\n"))
  })

  it("numbers CRLF files the same, a CRLF inside quotes being one line break", async () => {
    expect(await collect(utf8(file.join("\r\n") + "\r\n"))).toEqual(expected("\r\n"))
  })

  it("numbers CR-only and mixed line endings the same", async () => {
    expect(await collect(utf8(file.join("\r")))).toEqual(expected("\r"))
    const mixed = `${file[0]}\n${file.slice(1).join("\r\n")}\r\n`
    expect(await collect(utf8(mixed))).toEqual(expected("\r\n"))
  })

  it("counts every line break of a multi-line cell and lines before the header", async () => {
    const text = '\n\nname,id_number,address\n张三,1,"a\n\nb\r\nc"\n李四,2,x'
    expect((await collect(utf8(text))).map((r) => r.line)).toEqual([4, 8])
  })

  it("skips blank, whitespace-only and comma-only rows without yielding them", async () => {
    const records = await collect(utf8("name,id_number\n\n   \n,\n\u3000,\u3000\n张三,1\n\n"))
    expect(records).toEqual([{ line: 6, values: { name: "张三", id_number: "1" } }])
  })

  it("trims values, full-width spaces included, but keeps inner spaces", async () => {
    const records = await collect(utf8('name,id_number,address\n \u3000张 三\t, 1 ,"  东城区 和平里 "\n'))
    expect(records[0]?.values).toEqual({ name: "张 三", id_number: "1", address: "东城区 和平里" })
  })

  it('gives a short row "" for its missing trailing columns, and keeps a long row without its extra fields', async () => {
    const records = await collect(
      utf8("name,id_number,phone,address\n张三,1\n李四,2,138,东城区,extra,\n王五,3,139,西城区\n")
    )
    expect(records).toEqual([
      { line: 2, values: { name: "张三", id_number: "1", phone: "", address: "" } },
      { line: 3, values: { name: "李四", id_number: "2", phone: "138", address: "东城区" } },
      { line: 4, values: { name: "王五", id_number: "3", phone: "139", address: "西城区" } }
    ])
  })

  it("keys only the columns the header has", async () => {
    const [record] = await collect(utf8("id_number,name\n1,张三\n"))
    expect(record?.values).toEqual({ id_number: "1", name: "张三" })
    expect(Object.keys(record?.values ?? {})).not.toContain("phone")
  })

  it("keeps a stray quote inside an unquoted cell as text", async () => {
    const [record] = await collect(utf8('name,id_number,address\n张三,1,5"门面\n'))
    expect(record?.values.address).toBe('5"门面')
  })
})

describe("readCsv: header", () => {
  it("matches en headers case-insensitively", async () => {
    const records = await collect(utf8("NAME,Id_Number,Phone\n张三,1,138\n"))
    expect(records[0]?.values).toEqual({ name: "张三", id_number: "1", phone: "138" })
  })

  it("ignores a BOM and surrounding whitespace on a header cell, and reads full-width letters as plain ones", async () => {
    const records = await collect(utf8(`${BOM} 姓名\u3000,\t身份证号 ,ｐｈｏｎｅ\n张三,1,138\n`), { encoding: "utf-8" })
    expect(records[0]?.values).toEqual({ name: "张三", id_number: "1", phone: "138" })
  })

  it("accepts any alias of a column", async () => {
    const records = await collect(utf8("姓名,公民身份号码,电话\n张三,1,138\n"))
    expect(records[0]?.values).toEqual({ name: "张三", id_number: "1", phone: "138" })
  })

  it("ignores a column with a blank header", async () => {
    const records = await collect(utf8("name,,id_number,\n张三,x,1,y\n"))
    expect(records[0]?.values).toEqual({ name: "张三", id_number: "1" })
  })

  it("lists an unknown, a missing and a duplicate column in one error, in both languages, and yields nothing", async () => {
    const { error, seen } = await failure(utf8("姓名,Name,身份证,电话\n张三,张三,1,138\n"))
    expect(seen).toEqual([])
    expect(error).toBeInstanceOf(CsvHeaderError)
    const header = error as CsvHeaderError
    expect(header._tag).toBe("CsvHeaderError")
    expect(header.code).toBe("REGISTRY.CSV_HEADER")
    expect(header.problems.map((p) => [p.code, p.column])).toEqual([
      ["REGISTRY.CSV_DUPLICATE_COLUMN", "name"],
      ["REGISTRY.CSV_UNKNOWN_COLUMN", "身份证"],
      ["REGISTRY.CSV_MISSING_COLUMN", "id_number"]
    ])
    const [duplicate, unknown, missing] = header.problems
    expect(duplicate?.["zh-CN"]).toContain("姓名")
    expect(duplicate?.["zh-CN"]).toContain("Name")
    expect(duplicate?.en).toContain("Name")
    expect(unknown?.["zh-CN"]).toContain("身份证")
    expect(unknown?.en).toContain("身份证")
    expect(missing?.["zh-CN"]).toContain("身份证号")
    expect(missing?.en).toContain("id_number")
    expect(header.message).toContain("REGISTRY.CSV_HEADER")
    expect(header.message).toContain("身份证")
  })

  it("does not require an optional column", async () => {
    expect(await collect(utf8("name,id_number\n张三,1\n"))).toHaveLength(1)
  })

  it("refuses an empty file, a BOM alone or blank lines alone", async () => {
    for (const file of [new Uint8Array(0), utf8(BOM), utf8("\n\r\n  \n,,,\n")]) {
      const { error, seen } = await failure(file)
      expect(seen).toEqual([])
      expect(error).toBeInstanceOf(CsvHeaderError)
      expect((error as CsvHeaderError).problems).toEqual([
        { column: "", code: "REGISTRY.CSV_EMPTY", "zh-CN": expect.any(String), en: expect.any(String) }
      ])
    }
  })

  it("accepts a header with no rows", async () => {
    expect(await collect(utf8("name,id_number\n"))).toEqual([])
  })
})

describe("readCsv: sources and streaming", () => {
  it("reads a file from a path and reports the bytes read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shequ-csv-"))
    try {
      const path = join(dir, "residents.csv")
      const body = `${BOM}姓名,身份证号\n${"张三,110101199003070011\n".repeat(100_000)}`
      writeFileSync(path, body)
      const progress: Array<number> = []
      const records = await collect(path, { onProgress: (bytes) => progress.push(bytes) })
      expect(records).toHaveLength(100_000)
      expect(records[99_999]).toEqual({ line: 100_001, values: { name: "张三", id_number: "110101199003070011" } })
      expect(progress.length).toBeGreaterThan(1)
      expect(progress.every((bytes, i) => i === 0 || bytes > progress[i - 1]!)).toBe(true)
      expect(progress.at(-1)).toBe(Buffer.byteLength(body))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("rejects when the path does not exist", async () => {
    const { error } = await failure(join(tmpdir(), "shequ-no-such-file.csv"))
    expect((error as NodeJS.ErrnoException).code).toBe("ENOENT")
  })

  it("reads an async stream of chunks", async () => {
    async function* chunks() {
      yield utf8("name,id_")
      yield utf8("number\n张")
      yield utf8("三,1\n")
    }
    expect(await collect(chunks())).toEqual([{ line: 2, values: { name: "张三", id_number: "1" } }])
  })

  it("pulls chunks only as records are asked for, and lets go of the source when the reader stops", async () => {
    let pulled = 0
    let closed = false
    function* chunks() {
      try {
        yield utf8("name,id_number\n")
        for (let i = 0; i < 1000; i++) {
          pulled++
          yield utf8(`p${i},1\n`.repeat(1000))
        }
      } finally {
        closed = true
      }
    }
    let seen = 0
    for await (const record of readCsv(chunks(), { columns })) {
      expect(record.values.name).toBe("p0")
      if (++seen === 10) break
    }
    expect(pulled).toBe(1)
    expect(closed).toBe(true)
  })

  it("rejects on a quote never closed, after the records before it", async () => {
    const { error, seen } = await failure(utf8('name,id_number\n张三,1\n李四,"2\n王五,3\n'))
    expect(seen.map((r) => r.values.name)).toEqual(["张三"])
    expect((error as { code?: string }).code).toBe("CSV_QUOTE_NOT_CLOSED")
  })

  it("gives up on a record of more than 1 MiB rather than read the rest of the file into it", async () => {
    const rows = "李四,2\n".repeat(200_000)
    const { error, seen } = await failure(utf8(`name,id_number\n张三,1\n王五,"3\n${rows}`))
    expect(seen.map((r) => r.values.name)).toEqual(["张三"])
    expect((error as { code?: string }).code).toBe("CSV_MAX_RECORD_SIZE")
  })
})
