import { describe, expect, it } from "vitest"
import { type Kin, relationToNewHead } from "../../src/registry/Succession.js"

const kin = (relation: string, sex: Kin["sex"] = null, birthDate: string | null = null): Kin => ({
  relation,
  sex,
  birthDate
})

describe("relations to a new head of household", () => {
  it("when the widow takes over, the children and grandchildren stay as they were, her husband's parents are her parents-in-law", () => {
    const widow = kin("12", "female")
    expect(relationToNewHead(widow, kin("22", "male"))).toBe("22")
    expect(relationToNewHead(widow, kin("38", "female"))).toBe("38")
    expect(relationToNewHead(widow, kin("41", "male"))).toBe("41")
    expect(relationToNewHead(widow, kin("51", "male"))).toBe("53")
    expect(relationToNewHead(widow, kin("52", "female"))).toBe("54")
    expect(relationToNewHead(widow, kin("56", "female"))).toBe("52")
    expect(relationToNewHead(widow, kin("61", "male"))).toBe("65")
    expect(relationToNewHead(widow, kin("73", "male"))).toBe("97")
    expect(relationToNewHead(widow, kin("99"))).toBe("99")
  })

  it("when the widower takes over, his wife's parents are his 岳父 and 岳母; a spouse of unknown sex leaves them to be named", () => {
    const widower = kin("11", "male")
    expect(relationToNewHead(widower, kin("51", "male"))).toBe("55")
    expect(relationToNewHead(widower, kin("50", "female"))).toBe("56")
    expect(relationToNewHead(kin("10", null), kin("51", "male"))).toBeUndefined()
    expect(relationToNewHead(kin("10", "male"), kin("50", null))).toBeUndefined()
  })

  it("when a son takes over, his mother is 母亲, his brothers and sisters are elder or younger by birth date, his grandparents 祖父母或外祖父母", () => {
    const son = kin("22", "male", "1988-06-01")
    expect(relationToNewHead(son, kin("12", "female", "1962-01-01"))).toBe("52")
    expect(relationToNewHead(son, kin("10", "male", "1960-01-01"))).toBe("51")
    expect(relationToNewHead(son, kin("23", "male", "1990-02-02"))).toBe("73")
    expect(relationToNewHead(son, kin("32", "female", "1985-03-03"))).toBe("75")
    expect(relationToNewHead(son, kin("33", "female", "1992-04-04"))).toBe("77")
    expect(relationToNewHead(son, kin("29", "male", "1980-01-01"))).toBe("71")
    expect(relationToNewHead(son, kin("30", "female", null))).toBe("70")
    expect(relationToNewHead(son, kin("52", "female"))).toBe("60")
    expect(relationToNewHead(son, kin("55", "male"))).toBe("60")
    expect(relationToNewHead(son, kin("61", "male"))).toBe("66")
  })

  it("when a son takes over, a daughter-in-law and a grandchild are left to be named: his wife or his brother's, his child or his nephew", () => {
    const son = kin("22", "male", "1988-06-01")
    expect(relationToNewHead(son, kin("38", "female"))).toBeUndefined()
    expect(relationToNewHead(son, kin("41", "male"))).toBeUndefined()
  })

  it("when an adopted child or stepchild takes over, the old head's spouse is left to be named: adoptive, step or natural parent", () => {
    expect(relationToNewHead(kin("27", "male"), kin("12", "female"))).toBeUndefined()
    expect(relationToNewHead(kin("37", "female"), kin("23", "male", "1990-01-01"))).toBe("70")
  })

  it("when a parent takes over, the old head's spouse is their child-in-law, the old head's children their grandchildren", () => {
    const mother = kin("52", "female")
    expect(relationToNewHead(mother, kin("12", "female"))).toBe("38")
    expect(relationToNewHead(mother, kin("11", "male"))).toBe("28")
    expect(relationToNewHead(mother, kin("22", "male"))).toBe("40")
    expect(relationToNewHead(mother, kin("38", "female"))).toBe("45")
    expect(relationToNewHead(mother, kin("51", "male"))).toBe("10")
    expect(relationToNewHead(mother, kin("71", "male"))).toBe("20")
    expect(relationToNewHead(mother, kin("52", "female"))).toBeUndefined()
  })

  it("when a brother takes over, the other siblings stay siblings and the parents stay parents", () => {
    const brother = kin("73", "male", "1970-01-01")
    expect(relationToNewHead(brother, kin("75", "female", "1965-01-01"))).toBe("75")
    expect(relationToNewHead(brother, kin("52", "female"))).toBe("52")
    expect(relationToNewHead(brother, kin("12", "female"))).toBe("97")
  })

  it("when anyone else takes over, every relation is left to be named", () => {
    for (const heir of ["41", "38", "61", "80", "97", "99"]) {
      expect(relationToNewHead(kin(heir, "male"), kin("22", "male"))).toBeUndefined()
    }
  })
})
