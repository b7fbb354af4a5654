import { describe, expect, it } from "vitest"
import { encodeRow, encodeValue } from "../src/internal/copy.js"
import { migrationLockKey } from "../src/internal/lock.js"

describe("the COPY text encoder", () => {
  it("escapes exactly backslash, tab, newline and carriage return", () => {
    expect(encodeValue("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e")
    expect(encodeValue("\\N")).toBe("\\\\N")
    expect(encodeValue("中文 👩‍👩‍👧 'quoted' \"double\"")).toBe("中文 👩‍👩‍👧 'quoted' \"double\"")
  })

  it("writes null as \\N and the empty string as nothing", () => {
    expect(encodeValue(null)).toBe("\\N")
    expect(encodeValue(undefined)).toBe("\\N")
    expect(encodeValue("")).toBe("")
  })

  it("writes scalars in the form PostgreSQL reads", () => {
    expect(encodeValue(true)).toBe("t")
    expect(encodeValue(false)).toBe("f")
    expect(encodeValue(-1.5)).toBe("-1.5")
    expect(encodeValue(12345678901234567890n)).toBe("12345678901234567890")
    expect(encodeValue(new Date(Date.UTC(2020, 2, 1, 8, 30)))).toBe("2020-03-01T08:30:00.000Z")
    expect(encodeValue(Buffer.from([0, 255]))).toBe("\\\\x00ff")
  })

  it("writes every date as toISOString does", () => {
    const dates = [
      new Date(Date.UTC(1000, 0, 1)),
      new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(2020, 1, 29, 1, 2, 3, 4)),
      new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(999, 0, 1)),
      new Date(Date.UTC(10_000, 0, 1)),
      new Date(Date.UTC(-1, 0, 1))
    ]
    for (const date of dates) expect(encodeValue(date)).toBe(date.toISOString())
    expect(() => encodeValue(new Date(Number.NaN))).toThrow(RangeError)
  })

  it("writes objects and arrays as JSON, its backslashes doubled", () => {
    expect(encodeValue({ text: "a\tb" })).toBe('{"text":"a\\\\tb"}')
    expect(encodeValue([1, "x", null])).toBe('[1,"x",null]')
  })

  it("refuses values that have no column type", () => {
    expect(() => encodeValue(Symbol("x"))).toThrow(TypeError)
    expect(() => encodeValue(() => 1)).toThrow(TypeError)
  })

  it("joins a row with tabs and ends it with a newline", () => {
    expect(encodeRow(["110101", 1, null, "a\tb"])).toBe("110101\t1\t\\N\ta\\tb\n")
  })
})

describe("the migration lock", () => {
  // Processes of different versions must still exclude each other, so the key never changes.
  it("is a fixed signed 64-bit key per schema", () => {
    expect(migrationLockKey("shequ")).toBe("-3967646243486679872")
    expect(migrationLockKey("other")).not.toBe(migrationLockKey("shequ"))
  })
})
