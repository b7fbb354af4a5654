/**
 * A new head of household, and everyone else's relation to them. GB/T 4761
 * records each member's relation to the head, so when the head dies or leaves
 * and another member takes over, every relation that stays is re-read from the
 * new head: the old head's wife becomes the new head's mother when her son
 * takes over, his other children become the son's brothers and sisters.
 *
 * Only what follows from the two old relations (and the member's sex and
 * birth date, for 兄 and 弟) is derived. Where the register could be right in
 * more than one way (the old head's daughter-in-law, when his son takes over,
 * may be the son's wife or his brother's), the relation must be given by
 * whoever records the change, as a household registration clerk would ask.
 * The generic codes of the standard (60 祖父母或外祖父母, 40 孙子女, 97 其他亲属)
 * are used where they are true and the precise one is not known.
 *
 * @since 0.3.0
 */
import { HEAD_OF_HOUSEHOLD } from "./Vocabulary.js"

/** What a relation to the new head is derived from: one member as the register holds them. @since 0.3.0 */
export interface Kin {
  /** Their relation to the old head (GB/T 4761 code). */
  readonly relation: string
  readonly sex: "male" | "female" | null
  /** YYYY-MM-DD, or null when their document does not give it. */
  readonly birthDate: string | null
}

const inRange = (code: string, ...ranges: ReadonlyArray<readonly [number, number]>) => {
  const n = Number(code)
  return ranges.some(([from, to]) => n >= from && n <= to)
}

const isSpouse = (code: string) => inRange(code, [10, 12])
// Sons and daughters, own, adopted or step: 28 女婿 and 38 儿媳 are children-in-law.
const isChild = (code: string) => inRange(code, [20, 27], [29, 37], [39, 39])
const isStepChild = (code: string) => code === "27" || code === "37"
const isChildInLaw = (code: string) => code === "28" || code === "38"
const isGrandchild = (code: string) => inRange(code, [40, 49])
const isParent = (code: string) => inRange(code, [50, 52], [57, 59])
const isParentInLaw = (code: string) => inRange(code, [53, 56])
const isGrandparent = (code: string) => inRange(code, [60, 64], [69, 69])
const isSibling = (code: string) => inRange(code, [70, 71], [73, 73], [75, 75], [77, 77], [79, 79])

/** Male or female as the relation says (夫, 子, 父亲…), else as the member's document says. */
const sexOf = (kin: Kin): "male" | "female" | null => {
  const n = Number(kin.relation)
  if ([11, 51, 53, 55, 57, 61, 63, 66, 71, 73].includes(n) || inRange(kin.relation, [20, 29])) return "male"
  if ([12, 52, 54, 56, 58, 62, 64, 67, 75, 77].includes(n) || inRange(kin.relation, [30, 39])) return "female"
  return kin.sex
}

const bySex = (kin: Kin, male: string, female: string): string | undefined => {
  const sex = sexOf(kin)
  return sex === null ? undefined : sex === "male" ? male : female
}

/** 兄, 弟, 姐姐 or 妹妹 by sex and birth date; 兄弟姐妹 when either is not known or they are twins. */
const sibling = (heir: Kin, member: Kin): string => {
  const sex = sexOf(member)
  if (sex === null || heir.birthDate === null || member.birthDate === null || heir.birthDate === member.birthDate) {
    return "70"
  }
  const elder = member.birthDate < heir.birthDate
  return sex === "male" ? (elder ? "71" : "73") : elder ? "75" : "77"
}

/** The old head's spouse takes over: children and grandchildren stay as they are, in-laws turn round. */
const fromSpouse = (heir: Kin, member: Kin): string | undefined => {
  const m = member.relation
  if (isChild(m) || isChildInLaw(m) || isGrandchild(m)) return m
  if (isParent(m)) {
    // The husband's parents are the wife's 公公 and 婆婆; the wife's parents the husband's 岳父 and 岳母.
    const heirSex = sexOf(heir)
    if (heirSex === null) return undefined
    return heirSex === "female" ? bySex(member, "53", "54") : bySex(member, "55", "56")
  }
  if (isParentInLaw(m)) return bySex(member, "51", "52")
  if (isGrandparent(m)) return "65"
  if (m === "65") return "60"
  if (m === "66" || m === "67") return "68"
  if (m === "68") return bySex(member, "66", "67")
  if (m === "99") return "99"
  return "97"
}

/** A child of the old head takes over: the old head's spouse is a parent, the other children siblings. */
const fromChild = (heir: Kin, member: Kin): string | undefined => {
  const m = member.relation
  // An adopted child's or a stepchild's (养子或继子, one code for both) parent may be adoptive, step or natural.
  if (isSpouse(m)) return isStepChild(heir.relation) ? undefined : bySex(member, "51", "52")
  if (isChild(m)) return sibling(heir, member)
  if (isParent(m) || isParentInLaw(m)) return "60"
  if (isGrandparent(m)) return bySex(member, "66", "67")
  if (isSibling(m)) return "97"
  if (m === "99") return "99"
  // A child-in-law may be the heir's own spouse or a sibling's; a grandchild the heir's child or a nephew.
  return undefined
}

/** A parent of the old head takes over: the old head's family are the new head's grandchildren and in-laws. */
const fromParent = (heir: Kin, member: Kin): string | undefined => {
  const m = member.relation
  if (isSpouse(m)) return bySex(member, "28", "38")
  if (isChild(m)) return "40"
  if (isChildInLaw(m)) return m === "28" ? "46" : "45"
  if (isGrandchild(m)) return bySex(member, "47", "48")
  if (isParentInLaw(m)) return "97"
  if (isParent(m) && (m === "51" || m === "52") && (heir.relation === "51" || heir.relation === "52")) {
    return m === heir.relation ? undefined : "10"
  }
  if (isSibling(m)) return bySex(member, "20", "30")
  if (m === "99") return "99"
  return undefined
}

/** A sibling of the old head takes over: the other siblings stay siblings, the parents stay parents. */
const fromSibling = (heir: Kin, member: Kin): string | undefined => {
  const m = member.relation
  if (isSibling(m)) return sibling(heir, member)
  if (isParent(m)) return m
  if (isSpouse(m) || isChild(m) || isChildInLaw(m) || isGrandchild(m)) return "97"
  if (m === "99") return "99"
  return undefined
}

/**
 * A member's relation to `heir`, who takes over as head, from both their
 * relations to the old head; undefined where it must be given.
 *
 * @example
 * ```ts
 * // The old head's wife, when their eldest son takes over: his mother.
 * relationToNewHead({ relation: "22", sex: "male", birthDate: "1990-05-01" }, { relation: "12", sex: "female", birthDate: "1962-03-08" }) // "52"
 * ```
 * @since 0.3.0
 */
export const relationToNewHead = (heir: Kin, member: Kin): string | undefined => {
  if (member.relation === HEAD_OF_HOUSEHOLD) return undefined
  if (isSpouse(heir.relation)) return fromSpouse(heir, member)
  if (isChild(heir.relation)) return fromChild(heir, member)
  if (isParent(heir.relation)) return fromParent(heir, member)
  if (isSibling(heir.relation)) return fromSibling(heir, member)
  return undefined
}
