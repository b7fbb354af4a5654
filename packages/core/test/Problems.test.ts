import { describe, expect, it } from "vitest"
import { Either, Schema } from "effect"
import { DistrictCode, Problems } from "../src/index.js"

const Household = Schema.Struct({
  district: DistrictCode,
  members: Schema.Array(Schema.Struct({ name: Schema.NonEmptyString, age: Schema.Int.pipe(Schema.between(0, 130)) })),
  occupancy: Schema.Literal("owner", "rented", "empty")
})

const problemsOf = (input: unknown) => {
  const result = Schema.decodeUnknownEither(Household, { errors: "all", onExcessProperty: "error" })(input)
  if (Either.isRight(result)) throw new Error("expected a failure")
  return Problems.fromParseError(result.left)
}

describe("every problem in an input is listed, with its path and both languages", () => {
  it("lists each bad field once, nested paths included", () => {
    const problems = problemsOf({
      district: "23050",
      members: [
        { name: "王芳", age: 67 },
        { name: "", age: 200 }
      ],
      occupancy: "shack",
      extra: 1
    })
    expect(problems.map((p) => `${p.path}:${p.code}`)).toEqual([
      "extra:UNEXPECTED",
      "district:CORE.DISTRICT_CODE",
      "members[1].name:INVALID_VALUE",
      "members[1].age:INVALID_VALUE",
      "occupancy:NOT_ALLOWED"
    ])
    expect(problems[1]).toMatchObject({
      "zh-CN": "区划代码应为 6 位数字（GB/T 2260）",
      en: "A district code is 6 digits (GB/T 2260)"
    })
    expect(problems[4]!.en).toContain('"owner", "rented", "empty"')
  })

  it("never repeats the value it refuses, which may be an ID or phone number", () => {
    const problems = problemsOf({ district: "230503199001011234", members: 13812345678, occupancy: "13812345678" })
    for (const p of problems) {
      expect(p["zh-CN"]).not.toMatch(/230503199001011234|13812345678/)
      expect(p.en).not.toMatch(/230503199001011234|13812345678/)
    }
    expect(problems.find((p) => p.path === "members")!.en).toBe(
      "expected ReadonlyArray<{ readonly name: NonEmptyString; readonly age: Int & between(0, 130) }>, got a number"
    )
  })

  it("names a missing field and a value of the wrong type", () => {
    const problems = problemsOf({ members: "none", occupancy: "owner" })
    expect(problems.map((p) => `${p.path}:${p.code}`)).toEqual(["district:REQUIRED", "members:INVALID_TYPE"])
    expect(problems[0]!["zh-CN"]).toBe("缺少必填项")
  })
})
