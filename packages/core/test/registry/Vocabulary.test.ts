import { FastCheck, Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { Text } from "../../src/Errors.js"
import {
  Duty,
  dutyAliases,
  dutyLabels,
  GridRoleKind,
  gridRoleKindAliases,
  gridRoleKindLabels,
  HEAD_OF_HOUSEHOLD,
  Occupancy,
  occupancyAliases,
  occupancyLabels,
  parseDuty,
  parseGridRoleKind,
  parseOccupancy,
  parseRelation,
  parseStreetKind,
  parseTag,
  relationAliases,
  relations,
  splitTags,
  StreetKind,
  streetKindAliases,
  streetKindLabels,
  TagCode,
  tagAliases,
  tags
} from "../../src/registry/Vocabulary.js"

type Entries = ReadonlyArray<{ readonly code: string; readonly label: Text }>

const entriesOf = (labels: Readonly<Record<string, Text>>): Entries =>
  Object.entries(labels).map(([code, label]) => ({ code, label }))

const vocabularies: ReadonlyArray<{
  readonly name: string
  readonly entries: Entries
  readonly aliases: Readonly<Record<string, string>>
  readonly parse: (raw: string) => string | undefined
}> = [
  { name: "relation", entries: relations, aliases: relationAliases, parse: parseRelation },
  { name: "tag", entries: tags, aliases: tagAliases, parse: parseTag },
  { name: "street kind", entries: entriesOf(streetKindLabels), aliases: streetKindAliases, parse: parseStreetKind },
  {
    name: "grid role kind",
    entries: entriesOf(gridRoleKindLabels),
    aliases: gridRoleKindAliases,
    parse: parseGridRoleKind
  },
  { name: "duty", entries: entriesOf(dutyLabels), aliases: dutyAliases, parse: parseDuty },
  { name: "occupancy", entries: entriesOf(occupancyLabels), aliases: occupancyAliases, parse: parseOccupancy }
]

describe.each(vocabularies)("every vocabulary: $name", ({ entries, aliases, parse }) => {
  it("has unique codes, and unique labels in each language", () => {
    for (const key of [
      (e: Entries[number]) => e.code,
      (e: Entries[number]) => e.label["zh-CN"],
      (e: Entries[number]) => e.label.en
    ]) {
      const values = entries.map(key)
      expect(new Set(values).size).toBe(values.length)
    }
  })

  it("reads each code and each label, in either language, as that code", () => {
    for (const { code, label } of entries) {
      expect(parse(code)).toBe(code)
      expect(parse(label["zh-CN"])).toBe(code)
      expect(parse(label.en)).toBe(code)
      expect(parse(label.en.toUpperCase())).toBe(code)
    }
  })

  it("every alias names a code that exists, and is read as that code", () => {
    const codes = new Set(entries.map((e) => e.code))
    for (const [alias, code] of Object.entries(aliases)) {
      expect(codes.has(code), `${alias} -> ${code}`).toBe(true)
      expect(parse(alias), alias).toBe(code)
    }
  })

  it("tolerates surrounding spaces, including the full-width space", () => {
    for (const { code, label } of entries) {
      expect(parse(`  ${label["zh-CN"]}\u3000`)).toBe(code)
      expect(parse(`\t${code} `)).toBe(code)
    }
  })

  it("gives undefined, never a guess, for what it does not know", () => {
    expect(parse("")).toBeUndefined()
    expect(parse("   ")).toBeUndefined()
    expect(parse("不知道")).toBeUndefined()
  })
})

describe("relation to the head of household (GB/T 4761-2008)", () => {
  it("lists the standard's two-digit codes in its order", () => {
    // 01-02, 10-12, every code from 20 to 97, and 99: 84 codes. 03 小集体户户主 was withdrawn in 2008.
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(2, "0"))
    expect(relations.map((r) => r.code)).toEqual([...range(1, 2), ...range(10, 12), ...range(20, 97), "99"])
  })

  it("the head of household is 02 户主, not 01 本人", () => {
    expect(HEAD_OF_HOUSEHOLD).toBe("02")
    expect(parseRelation("户主")).toBe(HEAD_OF_HOUSEHOLD)
    expect(parseRelation("head")).toBe(HEAD_OF_HOUSEHOLD)
    expect(parseRelation("Head of household")).toBe(HEAD_OF_HOUSEHOLD)
    expect(parseRelation("本人")).toBe("01")
  })

  it("full-width digits in a relation code are read", () => {
    expect(parseRelation("０２")).toBe("02")
    expect(parseRelation("３８")).toBe("38")
  })

  it("a one-digit code is refused rather than padded, since 2 is 子 in the one-digit table", () => {
    expect(parseRelation("2")).toBeUndefined()
    expect(parseRelation("0")).toBeUndefined()
    expect(parseRelation("002")).toBeUndefined()
    expect(parseRelation("98")).toBeUndefined()
  })

  it("a household file may say 儿媳 or 儿媳妇 for a son's wife", () => {
    expect(parseRelation("儿媳")).toBe("38")
    expect(parseRelation("儿媳妇")).toBe("38")
    expect(parseRelation("女婿")).toBe("28")
  })

  it("a household file may use everyday words for close family", () => {
    const words: ReadonlyArray<readonly [string, string]> = [
      ["配偶", "10"],
      ["丈夫", "11"],
      ["夫", "11"],
      ["妻子", "12"],
      ["妻", "12"],
      ["儿子", "20"],
      ["子", "20"],
      ["长子", "22"],
      ["次子", "23"],
      ["女儿", "30"],
      ["女", "30"],
      ["长女", "32"],
      ["次女", "33"],
      ["孙子", "41"],
      ["孙女", "42"],
      ["外孙", "43"],
      ["外孙子", "43"],
      ["外孙女", "44"],
      ["父亲", "51"],
      ["母亲", "52"],
      ["祖父", "61"],
      ["爷爷", "61"],
      ["祖母", "62"],
      ["奶奶", "62"],
      ["兄", "71"],
      ["哥哥", "71"],
      ["弟", "73"],
      ["弟弟", "73"],
      ["姐", "75"],
      ["姐姐", "75"],
      ["妹", "77"],
      ["妹妹", "77"],
      ["其他", "80"],
      ["非亲属", "99"]
    ]
    for (const [word, code] of words) expect(parseRelation(word), word).toBe(code)
  })

  it("English labels are read whatever their case", () => {
    expect(parseRelation("spouse")).toBe("10")
    expect(parseRelation("SON")).toBe("20")
    expect(parseRelation("Daughter")).toBe("30")
    expect(parseRelation("son-in-law")).toBe("28")
  })

  it("variants found in published copies of the standard are read", () => {
    expect(parseRelation("姨夫")).toBe("87")
    expect(parseRelation("其他祖父母或外祖父母")).toBe("69")
    expect(parseRelation("兄、弟、姐、妹")).toBe("70")
    expect(parseRelation("孙子、孙女、外孙子、外孙女")).toBe("40")
  })

  it("words that name different relations in different places are not guessed", () => {
    expect(parseRelation("媳妇")).toBeUndefined()
    expect(parseRelation("弟妹")).toBeUndefined()
  })
})

describe("resident tags", () => {
  const tag = (code: TagCode) => tags.find((t) => t.code === code)

  it("lists every tag code once", () => {
    expect(tags.map((t) => t.code)).toEqual(TagCode.literals)
  })

  it("community correction is restricted, and it is the only restricted tag", () => {
    expect(tag("community_correction")?.restricted).toBe(true)
    expect(tags.filter((t) => t.restricted).map((t) => t.code)).toEqual(["community_correction"])
  })

  it("low income applies to a household, as do extreme poverty support and a lost only child", () => {
    expect(tag("low_income")?.appliesTo).toBe("household")
    expect(tags.filter((t) => t.appliesTo === "household").map((t) => t.code)).toEqual([
      "low_income",
      "extreme_poverty",
      "lost_only_child"
    ])
    expect(tag("left_behind_child")?.appliesTo).toBe("resident")
  })

  it("a file may give the zh-CN label instead of the code", () => {
    expect(parseTag("留守老人")).toBe("left_behind_elderly")
    expect(parseTag("社区矫正对象")).toBe("community_correction")
    expect(parseTag("left_behind_elderly")).toBe("left_behind_elderly")
  })

  it("a ledger's short forms are read", () => {
    expect(parseTag("孤寡")).toBe("childless_elderly")
    expect(parseTag("空巢")).toBe("empty_nest")
    expect(parseTag("独居")).toBe("living_alone")
    expect(parseTag("残疾")).toBe("disabled")
    expect(parseTag("失能")).toBe("unable_to_self_care")
    expect(parseTag("低保")).toBe("low_income")
    expect(parseTag("低收入")).toBe("low_income")
    expect(parseTag("特困")).toBe("extreme_poverty")
    expect(parseTag("优抚")).toBe("entitled_veteran_family")
    expect(parseTag("失独")).toBe("lost_only_child")
    expect(parseTag("社区矫正")).toBe("community_correction")
    expect(parseTag("外来")).toBe("migrant")
    expect(parseTag("流动人口")).toBe("migrant")
  })

  it("a code typed in full-width letters or capitals is read", () => {
    expect(parseTag("ｍｉｇｒａｎｔ")).toBe("migrant")
    expect(parseTag("LOW_INCOME")).toBe("low_income")
  })

  it("TagCode decodes the codes and refuses anything else", () => {
    expect(Schema.decodeUnknownSync(TagCode)("empty_nest")).toBe("empty_nest")
    expect(() => Schema.decodeUnknownSync(TagCode)("空巢")).toThrow()
  })
})

describe("splitTags", () => {
  it("a cell may list several tags with ; or ； or 、", () => {
    expect(splitTags("空巢；独居、disabled;migrant")).toEqual(["空巢", "独居", "disabled", "migrant"])
  })

  it("drops empty pieces and trims each one", () => {
    expect(splitTags(" 空巢 ;; \u3000；、独居; ")).toEqual(["空巢", "独居"])
    expect(splitTags("")).toEqual([])
    expect(splitTags(" ; ")).toEqual([])
  })

  it("a comma is not a separator, because it separates CSV cells", () => {
    expect(splitTags("空巢,独居")).toEqual(["空巢,独居"])
  })

  it("every piece it returns is non-empty and trimmed, whatever the cell", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ unit: FastCheck.constantFrom("a", " ", ";", "；", "、", "空") }), (raw) => {
        for (const piece of splitTags(raw)) {
          expect(piece.length).toBeGreaterThan(0)
          expect(piece).toBe(piece.trim())
          expect(piece).not.toMatch(/[;；、]/)
        }
      })
    )
  })

  it("a cell of labels splits into tags that all parse", () => {
    expect(splitTags("留守老人；低保、失独").map(parseTag)).toEqual([
      "left_behind_elderly",
      "low_income",
      "lost_only_child"
    ])
  })
})

describe("kinds of street", () => {
  it("a township may be written 乡, 镇 or 乡镇", () => {
    expect(parseStreetKind("乡")).toBe("township")
    expect(parseStreetKind("镇")).toBe("township")
    expect(parseStreetKind("乡镇")).toBe("township")
  })

  it("a street office may be written 街道 or in full", () => {
    expect(parseStreetKind("街道")).toBe("street_office")
    expect(parseStreetKind("街道办事处")).toBe("street_office")
    expect(parseStreetKind("林场")).toBe("forest_farm")
  })

  it("every kind has labels", () => {
    expect(Object.keys(streetKindLabels)).toEqual(StreetKind.literals)
  })
})

describe("grid roles", () => {
  it("reads the three posts by their Chinese names", () => {
    expect(parseGridRoleKind("网格长")).toBe("grid_leader")
    expect(parseGridRoleKind("网格员")).toBe("grid_worker")
    expect(parseGridRoleKind("协管员")).toBe("assistant")
  })

  it("a full-time or part-time grid worker is a grid worker", () => {
    expect(parseGridRoleKind("专职网格员")).toBe("grid_worker")
    expect(parseGridRoleKind("兼职网格员")).toBe("grid_worker")
  })

  it("every kind has labels", () => {
    expect(Object.keys(gridRoleKindLabels)).toEqual(GridRoleKind.literals)
  })
})

describe("duties", () => {
  it("public security may be written 治安, 综治 or 社会治安", () => {
    expect(parseDuty("治安")).toBe("public_security")
    expect(parseDuty("综治")).toBe("public_security")
    expect(parseDuty("社会治安")).toBe("public_security")
  })

  it("reads the other duties by their Chinese names", () => {
    expect(parseDuty("党建")).toBe("party_building")
    expect(parseDuty("禁毒")).toBe("anti_drug")
    expect(parseDuty("志愿服务")).toBe("volunteering")
    expect(parseDuty("居家养老")).toBe("home_elderly_care")
  })

  it("every duty has labels", () => {
    expect(Object.keys(dutyLabels)).toEqual(Duty.literals)
  })
})

describe("occupancy", () => {
  it("a flat is owner-occupied, rented or empty", () => {
    expect(parseOccupancy("自住")).toBe("owner_occupied")
    expect(parseOccupancy("出租")).toBe("rented")
    expect(parseOccupancy("空置")).toBe("empty")
    expect(parseOccupancy("Owner-occupied")).toBe("owner_occupied")
  })

  it("every occupancy has labels", () => {
    expect(Object.keys(occupancyLabels)).toEqual(Occupancy.literals)
  })
})
