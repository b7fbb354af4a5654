/**
 * Who lives together: household sizes, the kinds of household an old mining
 * district has (many elderly people alone or in couples, grandparents raising
 * grandchildren whose parents work elsewhere), each member's relation to the
 * head (与户主关系), sex, age and surname, and the tags that follow from them.
 * Ages are whole years on the reference date, 2020-07-01.
 */
import { surname } from "./names.js"
import { type Rng, weighted } from "./random.js"
import { Tag } from "./tags.js"

/** One person in a household, before they get a name, a number and a phone. */
export interface Member {
  readonly relation: string
  readonly male: boolean
  readonly age: number
  readonly surname: string
  tags: number
}

/** A household: its members (the head first) and whether it came from elsewhere (外来人口). */
export interface Household {
  readonly members: ReadonlyArray<Member>
  readonly migrant: boolean
}

const drawSize = weighted<number>([
  [1, 22],
  [2, 34],
  [3, 25],
  [4, 12],
  [5, 7]
])

/**
 * The next household's size, 1-5, never more than the `remaining` residents
 * (the last household of a file is cut to fit its total). The district model
 * and the residents writer both draw sizes with this, in the same order, from
 * the same stream, so they agree on the number of households.
 */
export const nextHouseholdSize = (rng: Rng, remaining: number): number => Math.min(drawSize(rng), remaining)

type Kind =
  | "elder_alone"
  | "adult_alone"
  | "elder_couple"
  | "couple"
  | "parent_child"
  | "elder_with_child"
  | "nuclear"
  | "couple_parent"
  | "grandparents"
  | "mother_children"
  | "three_generations_up"
  | "three_generations_down"

/** The kinds of household of each size (index 0: one person), with their weights. */
const KINDS: ReadonlyArray<(rng: Rng) => Kind> = [
  weighted<Kind>([
    ["elder_alone", 46],
    ["adult_alone", 54]
  ]),
  weighted<Kind>([
    ["elder_couple", 34],
    ["couple", 40],
    ["parent_child", 16],
    ["elder_with_child", 10]
  ]),
  weighted<Kind>([
    ["nuclear", 66],
    ["couple_parent", 10],
    ["grandparents", 14],
    ["mother_children", 10]
  ]),
  weighted<Kind>([
    ["nuclear", 50],
    ["three_generations_up", 35],
    ["grandparents", 15]
  ]),
  weighted<Kind>([
    ["three_generations_down", 55],
    ["three_generations_up", 45]
  ])
]

/** Kinds of household a migrant family forms: working-age people and their children. */
const MIGRANT_KINDS: ReadonlySet<Kind> = new Set<Kind>(["adult_alone", "couple", "parent_child", "nuclear"])

const SONS = ["长子", "次子", "三子", "四子"]
const DAUGHTERS = ["长女", "次女", "三女", "四女"]

const MAX_AGE = 98
const clampAge = (age: number): number => Math.max(0, Math.min(MAX_AGE, age))

const member = (relation: string, male: boolean, age: number, family: string): Member => ({
  relation,
  male,
  age: clampAge(age),
  surname: family,
  tags: 0
})

/** 60-92, weighted towards the middle seventies. */
const elderAge = (rng: Rng, from = 60, span = 33): number => from + Math.floor((span * (rng.next() + rng.next())) / 2)

/** A head and spouse; the children's surname is the husband's. */
const couple = (rng: Rng, headAge: number, headMale: boolean) => {
  const family = surname(rng)
  const spouseAge = Math.max(22, headMale ? headAge - rng.int(-1, 4) : headAge + rng.int(-1, 4))
  const head = member("户主", headMale, headAge, headMale ? family : surname(rng))
  const spouse = member("配偶", !headMale, spouseAge, headMale ? surname(rng) : family)
  return { head, spouse, family, motherAge: headMale ? spouse.age : head.age }
}

/**
 * Ages of `count` siblings, the eldest `eldest` (raised if needed so everyone
 * fits), each 2-8 years younger than the one before, the youngest at least 0.
 */
const siblingAges = (rng: Rng, count: number, eldest: number): number[] => {
  let age = Math.max(2 * (count - 1), eldest)
  const ages: number[] = []
  for (let left = count - 1; left >= 0; left--) {
    ages.push(age)
    if (left > 0) age -= Math.max(2, Math.min(rng.int(2, 8), Math.floor(age / left)))
  }
  return ages
}

/** `count` children of a mother of `motherAge` (at least 22), born 20-34 years after her, the eldest first. */
const children = (rng: Rng, count: number, motherAge: number, family: string): Member[] => {
  let sons = 0
  let daughters = 0
  return siblingAges(rng, count, motherAge - rng.int(20, 34)).map((age) => {
    const male = rng.chance(0.51)
    return member(male ? SONS[sons++]! : DAUGHTERS[daughters++]!, male, age, family)
  })
}

/** A grandchild of the head, through a son (孙子/孙女) or a daughter (外孙子/外孙女). */
const grandchild = (rng: Rng, age: number, family: string): Member => {
  const male = rng.chance(0.51)
  const throughSon = rng.chance(0.7)
  const relation = throughSon ? (male ? "孙子" : "孙女") : male ? "外孙子" : "外孙女"
  return member(relation, male, age, throughSon ? family : surname(rng))
}

/** The head's own father or mother, 22-34 years older. */
const parentOfHead = (rng: Rng, head: Member, male: boolean): Member =>
  member(male ? "父亲" : "母亲", male, head.age + rng.int(22, 34), male ? head.surname : surname(rng))

/** The spouse's father or mother: 岳父/岳母 of a husband, 公公/婆婆 of a wife. */
const parentInLaw = (rng: Rng, head: Member, spouse: Member, male: boolean): Member => {
  const relation = head.male ? (male ? "岳父" : "岳母") : male ? "公公" : "婆婆"
  return member(relation, male, spouse.age + rng.int(22, 34), male ? spouse.surname : surname(rng))
}

/** The share of elderly people living alone who have no children either: 孤寡老人. */
const CHILDLESS = 0.12

/**
 * Composes one household of `size` people. Resettled households are local
 * families; a share of the households in older housing are migrants.
 */
export const composeHousehold = (rng: Rng, size: number, resettled: boolean): Household => {
  const kind = KINDS[size - 1]!(rng)
  const migrant = !resettled && MIGRANT_KINDS.has(kind) && rng.chance(0.17)
  const members: Member[] = []
  let leftBehindMother = false
  switch (kind) {
    case "elder_alone": {
      const male = rng.chance(0.38)
      members.push(member("户主", male, elderAge(rng), surname(rng)))
      break
    }
    case "adult_alone":
      members.push(member("户主", rng.chance(0.6), rng.int(19, 59), surname(rng)))
      break
    case "elder_couple": {
      const { head, spouse } = couple(rng, elderAge(rng, 62, 27), rng.chance(0.85))
      members.push(head, spouse)
      break
    }
    case "couple": {
      const { head, spouse } = couple(rng, rng.int(23, 59), rng.chance(0.82))
      members.push(head, spouse)
      break
    }
    case "parent_child": {
      const male = rng.chance(0.35)
      const head = member("户主", male, rng.int(38, 68), surname(rng))
      const [child] = children(rng, 1, head.age, male || rng.chance(0.5) ? head.surname : surname(rng))
      members.push(head, child!)
      leftBehindMother = !male && head.age < 60 && child!.age < 16 && rng.chance(0.45)
      break
    }
    case "elder_with_child": {
      const male = rng.chance(0.4)
      const head = member("户主", male, elderAge(rng, 66, 25), surname(rng))
      const son = rng.chance(0.6)
      const child = member(son ? "长子" : "长女", son, head.age - rng.int(24, 34), head.surname)
      members.push(head, child)
      break
    }
    case "nuclear": {
      const { head, spouse, family, motherAge } = couple(rng, rng.int(25, 55), rng.chance(0.85))
      members.push(head, spouse, ...children(rng, size - 2, motherAge, family))
      break
    }
    case "couple_parent": {
      const { head, spouse } = couple(rng, rng.int(35, 58), rng.chance(0.8))
      const male = rng.chance(0.35)
      members.push(
        head,
        spouse,
        rng.chance(0.75) ? parentOfHead(rng, head, male) : parentInLaw(rng, head, spouse, male)
      )
      break
    }
    case "grandparents": {
      const { head, spouse, family } = couple(rng, rng.int(57, 77), rng.chance(0.8))
      members.push(
        head,
        spouse,
        ...siblingAges(rng, size - 2, rng.int(1, 15)).map((age) => grandchild(rng, age, family))
      )
      break
    }
    case "mother_children": {
      const head = member("户主", false, rng.int(27, 45), surname(rng))
      members.push(head, ...children(rng, size - 1, head.age, surname(rng)))
      leftBehindMother = rng.chance(0.5)
      break
    }
    case "three_generations_up": {
      const { head, spouse, family, motherAge } = couple(rng, rng.int(30, 52), rng.chance(0.85))
      members.push(head, spouse, ...children(rng, 1, motherAge, family))
      if (size === 5) members.push(parentOfHead(rng, head, true), parentOfHead(rng, head, false))
      else members.push(parentOfHead(rng, head, rng.chance(0.35)))
      break
    }
    case "three_generations_down": {
      const { head, spouse, family } = couple(rng, rng.int(56, 76), rng.chance(0.85))
      const throughSon = rng.chance(0.75)
      const childAge = Math.max(22, head.age - rng.int(23, 32))
      const child = member(throughSon ? "长子" : "长女", throughSon, childAge, family)
      const inLaw = member(throughSon ? "儿媳" : "女婿", !throughSon, childAge + rng.int(-3, 3), surname(rng))
      const male = rng.chance(0.51)
      const grandAge = Math.max(0, (throughSon ? inLaw.age : child.age) - rng.int(22, 30))
      const grand = member(
        throughSon ? (male ? "孙子" : "孙女") : male ? "外孙子" : "外孙女",
        male,
        grandAge,
        throughSon ? family : inLaw.surname
      )
      members.push(head, spouse, child, inLaw, grand)
      break
    }
  }
  tag(rng, kind, members, migrant, leftBehindMother)
  return { members, migrant }
}

const tag = (rng: Rng, kind: Kind, members: Member[], migrant: boolean, leftBehindMother: boolean): void => {
  const head = members[0]!
  const elderlyOnly = kind === "elder_alone" || kind === "elder_couple"
  const childless = kind === "elder_alone" && rng.chance(CHILDLESS)
  const childrenAway = elderlyOnly && !childless && rng.chance(0.12)
  let disabledMember = false
  for (const person of members) {
    const { age } = person
    let tags = 0
    if (age >= 60 && elderlyOnly) {
      tags |= childless ? Tag.childless_elderly : Tag.empty_nest
      if (kind === "elder_alone") tags |= Tag.living_alone
      if (childrenAway) tags |= Tag.left_behind_elderly
    }
    if (kind === "grandparents") {
      if (age >= 60 && (person === head || person.relation === "配偶")) tags |= Tag.left_behind_elderly
      if (age < 16 && person !== head && person.relation !== "配偶") tags |= Tag.left_behind_child
    }
    if (leftBehindMother) {
      if (person === head) tags |= Tag.left_behind_woman
      else if (age < 16) tags |= Tag.left_behind_child
    }
    const disabled = rng.chance(age < 18 ? 0.005 : age < 60 ? 0.012 : age < 80 ? 0.04 : 0.08)
    if (disabled) {
      tags |= Tag.disabled
      disabledMember = true
    }
    if (rng.chance(age >= 80 ? 0.12 : age >= 60 ? 0.02 : disabled ? 0.15 : 0)) tags |= Tag.unable_to_self_care
    if (person.male && age >= 60 && rng.chance(0.02)) tags |= Tag.entitled_veteran_family
    if (age >= 18 && age < 60 && rng.chance(0.0015)) tags |= Tag.community_correction
    if (migrant) tags |= Tag.migrant
    person.tags = tags
  }
  // Household tags go on the head's row.
  if (rng.chance(disabledMember ? 0.08 : 0.028)) head.tags |= Tag.low_income
  const poverty = childless ? 0.35 : kind === "adult_alone" && disabledMember ? 0.25 : 0.0005
  if (rng.chance(poverty)) head.tags |= Tag.extreme_poverty
  if (elderlyOnly && !childless && rng.chance(0.008)) head.tags |= Tag.lost_only_child
}
