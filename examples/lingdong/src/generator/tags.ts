/**
 * Resident tags (DOMAIN.md): the vulnerable groups the plugins act on, as bit
 * flags while generating and as zh-CN labels joined by `;` in the file.
 */

/** Each tag's code and its zh-CN label, in the order they are written. */
export const TAGS = [
  ["left_behind_elderly", "留守老人"],
  ["left_behind_woman", "留守妇女"],
  ["left_behind_child", "留守儿童"],
  ["childless_elderly", "孤寡老人"],
  ["empty_nest", "空巢老人"],
  ["living_alone", "独居老人"],
  ["disabled", "残疾人"],
  ["unable_to_self_care", "失能人员"],
  ["low_income", "低收入家庭"],
  ["extreme_poverty", "特困供养"],
  ["entitled_veteran_family", "优抚对象"],
  ["lost_only_child", "失独家庭"],
  ["community_correction", "社区矫正对象"],
  ["migrant", "外来人口"]
] as const

/** A tag's code. */
export type TagCode = (typeof TAGS)[number][0]

/** The bit of each tag. */
export const Tag = Object.fromEntries(TAGS.map(([code], i) => [code, 1 << i])) as { readonly [K in TagCode]: number }

/** Tags that describe a household, written on its head's row only. */
export const HOUSEHOLD_TAGS = Tag.low_income | Tag.extreme_poverty | Tag.lost_only_child

const labels = new Map<number, string>()

/** The zh-CN labels of the tags in `mask`, joined by `;` (cached: few combinations occur). */
export const tagLabels = (mask: number): string => {
  let text = labels.get(mask)
  if (text === undefined) {
    text = TAGS.filter((_, i) => (mask & (1 << i)) !== 0)
      .map(([, label]) => label)
      .join(";")
    labels.set(mask, text)
  }
  return text
}
