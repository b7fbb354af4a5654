import { FastCheck } from "effect"
import { describe, expect, it } from "vitest"
import { maskIdNumber, maskPhone } from "../../src/registry/Mask.js"

const digits = (length: number) => FastCheck.stringMatching(new RegExp(`^\\d{${length}}$`))

/** What every mask promises, whatever it is given. */
const isMaskOf = (masked: string, value: string) => {
  const shown = Array.from(masked)
  const original = Array.from(value)
  expect(shown.length).toBe(original.length)
  shown.forEach((c, i) => expect(c === "*" || c === original[i]).toBe(true))
  if (original.length > 0) expect(shown).toContain("*")
}

describe("maskIdNumber", () => {
  it("masks hide the birth date and sequence", () => {
    expect(maskIdNumber("23050319900101123X")).toBe("230503***********X")
    expect(maskIdNumber("230503199001011234")).toBe("230503***********4")
    FastCheck.assert(
      FastCheck.property(digits(6), digits(8), digits(3), FastCheck.constantFrom("0", "7", "X", "x"), (r, b, s, c) => {
        const masked = maskIdNumber(r + b + s + c)
        expect(masked).toBe(`${r}${"*".repeat(11)}${c}`)
        expect(masked).not.toContain(b)
      })
    )
  })

  it("a 15-digit number from before 1999, or another document, keeps its first 3 and last 1", () => {
    expect(maskIdNumber("230503900101123")).toBe("230***********3")
    expect(maskIdNumber("E12345678")).toBe("E12*****8")
  })

  it("a value too short to show 4 characters and still hide most is hidden whole", () => {
    expect(maskIdNumber("1234567")).toBe("*******")
    expect(maskIdNumber("X")).toBe("*")
    expect(maskIdNumber("")).toBe("")
  })

  it("is total: any string gives a mask of the same length that hides something", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ unit: "binary", maxLength: 40 }), (value) => {
        isMaskOf(maskIdNumber(value), value)
      }),
      { numRuns: 2000 }
    )
  })
})

describe("maskPhone", () => {
  it("a mobile number shows its first 3 and last 4 digits", () => {
    expect(maskPhone("13812345678")).toBe("138****5678")
    expect(maskPhone("+8613812345678")).toBe("+86138****5678")
    expect(maskPhone("+86 13812345678")).toBe("+86 138****5678")
  })

  it("a landline keeps its area code and last 2 digits", () => {
    expect(maskPhone("0469-1234567")).toBe("0469-*****67")
    expect(maskPhone("04691234567")).toBe("0469*****67")
    expect(maskPhone("010-12345678")).toBe("010-******78")
    expect(maskPhone("02012345678")).toBe("020******78")
    expect(maskPhone("0451-86123456-801")).toBe("0451-********-*01")
    expect(maskPhone("86123456")).toBe("******56")
  })

  it("anything else keeps its first 3 and last 2, or is hidden whole when short", () => {
    expect(maskPhone("400-810-8888")).toBe("400*******88")
    expect(maskPhone("12345")).toBe("*****")
    expect(maskPhone("")).toBe("")
  })

  it("is total: any string gives a mask of the same length that hides something", () => {
    const phoneLike = FastCheck.oneof(
      FastCheck.string({ unit: "binary", maxLength: 30 }),
      FastCheck.stringMatching(/^(\+86 ?)?[01][\d -]{0,16}$/)
    )
    FastCheck.assert(
      FastCheck.property(phoneLike, (value) => {
        isMaskOf(maskPhone(value), value)
      }),
      { numRuns: 3000 }
    )
  })
})
