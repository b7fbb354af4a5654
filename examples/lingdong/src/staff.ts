/**
 * The places of the district and who works where: a grid worker per grid (the
 * scenario's first staff), and for 2020 the community party secretary (who
 * runs the community's party organisation), the community's window (社区服务窗口),
 * each street office's desk and the district command centre (区综治中心), each
 * with the role the registry uses at its level.
 */
import { Actor, Core, type Kernel, type PopulationRow } from "@shequ/core"

const system = Actor.system("lingdong")

/** The user ids of the staff, by the code of the place they serve. */
export const staffIds = {
  gridWorker: (grid: string) => `gw-${grid}`,
  secretary: (community: string) => `cs-${community}`,
  window: (community: string) => `cw-${community}`,
  streetDesk: (street: string) => `sd-${street}`,
  /** The organisation department (区委组织部) and the district's office, who publish and set up. */
  districtOffice: "district-office",
  commandCentre: "command-centre"
} as const

/** A place by its code and scope path. */
export interface Place {
  readonly code: string
  readonly scopePath: string
}

/** The district's places the year's stages work in, as the registry's population query lists them. */
export interface Places {
  readonly district: string
  readonly streets: ReadonlyArray<PopulationRow>
  readonly communities: ReadonlyArray<PopulationRow>
  readonly grids: ReadonlyArray<PopulationRow>
}

/** The codes along a grid's scope path: `230503/230503001/230503001001/230503001001001/`. */
export const pathCodes = (scopePath: string) => {
  const [, street, community, grid] = scopePath.split("/")
  return { street: street!, community: community!, grid: grid! }
}

const grantOnce = async (
  kernel: Kernel,
  district: string,
  userId: string,
  role: string,
  level: Actor.ScopeLevel,
  scopePath: string
) => {
  const actor = await kernel.actorFor(userId)
  if (actor.roles.some((r) => r.role === role && r.scopePath === scopePath)) return
  await kernel.exec(Core.commands.grantRole({ district, userId, role, level, scopePath }), system)
}

/** Grants the year's staff their roles; a second run on a kept database grants nothing new. */
export const appointStaff = async (
  kernel: Kernel,
  district: string,
  places: { readonly streets: ReadonlyArray<Place>; readonly communities: ReadonlyArray<Place> }
): Promise<void> => {
  for (const community of places.communities) {
    await grantOnce(
      kernel,
      district,
      staffIds.secretary(community.code),
      "community_admin",
      "community",
      community.scopePath
    )
    await grantOnce(
      kernel,
      district,
      staffIds.window(community.code),
      "community_worker",
      "community",
      community.scopePath
    )
  }
  for (const street of places.streets) {
    await grantOnce(kernel, district, staffIds.streetDesk(street.code), "street_admin", "street", street.scopePath)
  }
  await grantOnce(kernel, district, staffIds.commandCentre, "district_admin", "district", `${district}/`)
}
