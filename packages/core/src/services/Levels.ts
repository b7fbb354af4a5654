/**
 * The levels a request is handled at, from the bottom up: "小事不出网格, 大事不出
 * 社区" (small matters stay in the grid, big ones in the community), and only
 * what the level below cannot settle climbs grid -> community -> street ->
 * the district command centre (区综治中心).
 *
 * @since 0.3.0
 */
import { ScopeLevel } from "../Actor.js"
import type { Text } from "../Errors.js"

/**
 * A level of the district tree a request is handled at.
 *
 * @since 0.3.0
 */
export const ServiceLevel = ScopeLevel

/** @since 0.3.0 */
export type ServiceLevel = ScopeLevel

/**
 * The levels in the order a request climbs them.
 *
 * @since 0.3.0
 */
export const climb: ReadonlyArray<ServiceLevel> = ["grid", "community", "street", "district"]

/**
 * The level above, or `null` at the district command centre.
 *
 * @since 0.3.0
 */
export const above = (level: ServiceLevel): ServiceLevel | null => climb[climb.indexOf(level) + 1] ?? null

/**
 * The unit that holds a request at a level when no worker owns it there: the
 * scope path of its grid (`230503/230503001/230503001001/230503001001001/`), its
 * community, its street or its district.
 *
 * @example
 * ```ts
 * unitOf("230503/230503001/230503001001/230503001001001/", "community") // "230503/230503001/230503001001/"
 * ```
 * @since 0.3.0
 */
export const unitOf = (gridPath: string, level: ServiceLevel): string => {
  // The first (levels from the district down to `level`) segments, each ending in "/".
  let end = 0
  for (let segments = climb.length - climb.indexOf(level); segments > 0; segments--) {
    const slash = gridPath.indexOf("/", end)
    if (slash < 0) return gridPath
    end = slash + 1
  }
  return gridPath.slice(0, end)
}

/**
 * The levels' labels.
 *
 * @since 0.3.0
 */
export const levelLabels: { readonly [L in ServiceLevel]: Text } = {
  grid: { "zh-CN": "网格", en: "Grid" },
  community: { "zh-CN": "社区", en: "Community" },
  street: { "zh-CN": "街道", en: "Street" },
  district: { "zh-CN": "区综治中心", en: "District command centre" }
}
