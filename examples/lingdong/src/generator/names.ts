/**
 * Chinese personal names and compound names. Surnames are weighted roughly as
 * in north-east China; given names follow the fashion of the decade a person
 * was born in (淑/桂/德/福 for the old, 丽/伟/军 for the middle-aged, 梓/涵/浩
 * for the young), one or two characters.
 */
import { type Rng, weighted } from "./random.js"

const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ["王", 75],
  ["李", 72],
  ["张", 70],
  ["刘", 56],
  ["孙", 30],
  ["杨", 30],
  ["赵", 26],
  ["陈", 26],
  ["于", 20],
  ["高", 18],
  ["马", 15],
  ["徐", 14],
  ["周", 14],
  ["吴", 12],
  ["郭", 12],
  ["姜", 11],
  ["宋", 10],
  ["韩", 10],
  ["朱", 10],
  ["胡", 10],
  ["董", 9],
  ["林", 9],
  ["曹", 8],
  ["冯", 8],
  ["田", 8],
  ["何", 8],
  ["邢", 6],
  ["崔", 7],
  ["梁", 6],
  ["吕", 6],
  ["曲", 5],
  ["任", 5],
  ["付", 5],
  ["丁", 5],
  ["贾", 5],
  ["郑", 5],
  ["谢", 4],
  ["唐", 4],
  ["许", 4],
  ["邓", 4],
  ["范", 4],
  ["宫", 3],
  ["隋", 3],
  ["鲁", 3],
  ["白", 3],
  ["姚", 3],
  ["侯", 3],
  ["齐", 3],
  ["常", 3],
  ["关", 3],
  ["那", 2],
  ["车", 2],
  ["栾", 2],
  ["修", 2],
  ["卢", 3],
  ["潘", 3],
  ["魏", 3],
  ["蒋", 3],
  ["石", 3],
  ["尹", 2]
]

/** Given-name characters per generation and sex. */
const GIVEN = {
  old: {
    male: [..."德福贵财喜才忠义清山林发富生宝文玉春永长树成振殿广金海荣"],
    female: [..."淑秀桂凤玉兰英珍芝琴霞荣华芬云素金香梅莲翠"]
  },
  middle: {
    male: [..."国建军伟强明东海峰刚勇斌波涛志林华平新立庆学辉宏亮鹏"],
    female: [..."丽红艳静燕敏玲娟霞丹萍颖梅莉晶亚春秋慧娜"]
  },
  young: {
    male: [..."浩宇轩博鹏磊昊晨杰文然泽航睿俊哲铭天鑫洋旭硕凯"],
    female: [..."欣怡萱梓涵雨佳琪婷雪诗思悦妍可馨晴彤璐瑶"]
  }
} as const

const drawSurname = weighted(SURNAMES)

/** A surname, weighted by frequency. */
export const surname = (rng: Rng): string => drawSurname(rng)

/** A given name of one or two characters for someone of that sex born in that year. */
export const givenName = (rng: Rng, male: boolean, birthYear: number): string => {
  const era = birthYear < 1960 ? GIVEN.old : birthYear < 1985 ? GIVEN.middle : GIVEN.young
  const pool = male ? era.male : era.female
  const first = rng.pick(pool)
  const twoCharacters = birthYear < 1960 ? 0.85 : 0.62
  return rng.chance(twoCharacters) ? first + rng.pick(pool) : first
}

const COMPOUND_PREFIXES = (
  "矿工 建设 和平 红旗 幸福 光明 兴安 铁路 电业 东风 胜利 向阳 朝阳 新兴 友谊 团结 煤城 岭东 宝山 安居 福泰 康乐 南山 " +
  "北山 站前 富强 民主 长青 松江 翠竹 金桥 银河 桂园 丽景 祥和 阳光 滨河 七星 矿务局 选煤厂 机电 供销 粮库 百货 " +
  "水泥厂 运输 林业 二道河 双阳 振兴"
).split(" ")
const COMPOUND_SUFFIXES = ["小区", "家属楼", "新村", "家园", "花园", "住宅区", "苑"]
const PHASES = ["二期", "三期", "四期", "五期", "六期", "七期", "八期", "九期"]

/**
 * A compound name not in `taken` (which it then records): a prefix and a
 * suffix (矿工新村, 铁路家属楼), with a phase (二期) when both are used up.
 */
export const compoundName = (rng: Rng, taken: Set<string>): string => {
  const base = rng.pick(COMPOUND_PREFIXES) + rng.pick(COMPOUND_SUFFIXES)
  let name = base
  for (let phase = 0; taken.has(name); phase++) {
    name = base + (PHASES[phase] ?? `${phase + 2}期`)
  }
  taken.add(name)
  return name
}
