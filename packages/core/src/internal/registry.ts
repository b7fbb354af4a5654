import { Effect } from "effect"
import { corePrefixes } from "../Core.js"
import { CoreCode, KernelConfigError, type Text } from "../Errors.js"
import type { CommandDef, Handler, ImportDef, JobDef, Plugin, PluginSpec, QueryDef } from "../Plugin.js"
import { tablePrefix } from "../Plugin.js"
import type { ScopedTable } from "../Scope.js"

/* eslint-disable @typescript-eslint/no-explicit-any -- the kernel holds plugins of every shape */
export type AnyPlugin = Plugin<string, any, any, any>
type AnyCommands = Record<string, CommandDef<any, any, any, any>>
type AnyQueries = Record<string, QueryDef<any, any, any>>
type AnyImports = Record<string, ImportDef<any, any, any, any>>
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface Registered<D> {
  readonly owner: string
  readonly action: string
  readonly def: D
}

export interface HandlerEntry {
  readonly owner: string
  /** `<plugin>.on(<event type>)`: names the handler in errors and cycle chains. */
  readonly name: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly handler: Handler<any>
}

/** What the kernel runs, collected from core and the plugins in requirement order. */
export interface PluginRegistry {
  readonly owners: ReadonlyArray<AnyPlugin>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly commands: ReadonlyMap<string, Registered<CommandDef<any, any, any, any>>>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly queries: ReadonlyMap<string, Registered<QueryDef<any, any, any>>>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly imports: ReadonlyMap<string, Registered<ImportDef<any, any, any, any>>>
  readonly handlers: ReadonlyMap<string, ReadonlyArray<HandlerEntry>>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly jobs: ReadonlyArray<Registered<JobDef<any>>>
  readonly rules: ReadonlyMap<string, ReadonlyArray<string>>
  readonly referenceTables: ReadonlySet<string>
  /** Scoped tables, by name, with their owner. */
  readonly scopedTables: ReadonlyMap<string, ScopedTable & { readonly owner: string }>
  /** Table-name prefixes by owner. */
  readonly prefixes: ReadonlyMap<string, ReadonlyArray<string>>
}

const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+$/

const configError = (code: KernelConfigError["code"], subjects: ReadonlyArray<string>, problems: ReadonlyArray<Text>) =>
  new KernelConfigError({ code, subjects, problems })

/**
 * Orders plugins so that each comes after those it requires (Kahn's algorithm,
 * ties broken by name so the order never depends on the array the host passed).
 */
const order = (plugins: ReadonlyArray<AnyPlugin>): Effect.Effect<ReadonlyArray<AnyPlugin>, KernelConfigError> => {
  const byName = new Map(plugins.map((p) => [p.name, p]))
  const missing = plugins.flatMap((p) =>
    (p.spec.requires ?? []).filter((r) => !byName.has(r)).map((r) => ({ plugin: p.name, requires: r }))
  )
  if (missing.length > 0) {
    return Effect.fail(
      configError(
        CoreCode.PluginRequirementMissing,
        missing.map((m) => m.plugin),
        missing.map((m) => ({
          "zh-CN": `插件 ${m.plugin} 依赖的插件 ${m.requires} 未提供`,
          en: `Plugin ${m.plugin} requires plugin ${m.requires}, which was not given`
        }))
      )
    )
  }
  const remaining = new Map(plugins.map((p) => [p.name, new Set(p.spec.requires ?? [])]))
  const ordered: Array<AnyPlugin> = []
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([name]) => name)
    if (ready.length === 0) {
      const cycle = [...remaining.keys()].sort()
      return Effect.fail(
        configError(CoreCode.PluginCycle, cycle, [
          {
            "zh-CN": `插件之间循环依赖：${cycle.join("、")}`,
            en: `Plugins require each other in a cycle: ${cycle.join(", ")}`
          }
        ])
      )
    }
    for (const name of ready.sort()) {
      remaining.delete(name)
      for (const deps of remaining.values()) deps.delete(name)
      ordered.push(byName.get(name)!)
    }
  }
  return Effect.succeed(ordered)
}

const validateShape = (
  plugins: ReadonlyArray<AnyPlugin>,
  coreModules: ReadonlySet<string>
): ReadonlyArray<{ subject: string; text: Text; code: KernelConfigError["code"] }> => {
  const out: Array<{ subject: string; text: Text; code: KernelConfigError["code"] }> = []
  const seen = new Set<string>()
  const reserved = new Set(corePrefixes.map((p) => p.slice(0, -1)))
  for (const plugin of plugins) {
    const name = plugin.name
    if (seen.has(name)) {
      out.push({
        subject: name,
        code: CoreCode.DuplicateName,
        text: { "zh-CN": `插件名 ${name} 重复`, en: `Two plugins are named ${name}` }
      })
    }
    seen.add(name)
    if (!PLUGIN_NAME.test(name) || (!coreModules.has(name) && reserved.has(tablePrefix(name).slice(0, -1)))) {
      out.push({
        subject: name,
        code: CoreCode.PluginInvalid,
        text: {
          "zh-CN": `插件名 ${name} 无效：应为小写字母、数字和 -，且不能与核心模块同名`,
          en: `Plugin name ${name} is invalid: lower-case letters, digits and -, not a core module's name`
        }
      })
    }
    const spec = plugin.spec
    const actions = [
      ...Object.keys(spec.commands ?? {}),
      ...Object.keys(spec.queries ?? {}),
      ...Object.keys(spec.imports ?? {})
    ]
    const duplicates = actions.filter((a, i) => actions.indexOf(a) !== i)
    for (const action of new Set(duplicates)) {
      out.push({
        subject: `${name}.${action}`,
        code: CoreCode.DuplicateName,
        text: {
          "zh-CN": `插件 ${name} 有多个名为 ${action} 的命令、查询或导入`,
          en: `Plugin ${name} has more than one command, query or import named ${action}`
        }
      })
    }
    for (const key of Object.keys(spec.policies ?? {})) {
      if (!actions.includes(key) && !(key in (spec.permissions ?? {}))) {
        out.push({
          subject: `${name}.${key}`,
          code: CoreCode.PluginInvalid,
          text: {
            "zh-CN": `插件 ${name} 为不存在的操作 ${key} 设定了权限`,
            en: `Plugin ${name} has a policy for ${key}, which it does not define`
          }
        })
      }
    }
    const migrationNames = (spec.migrations ?? []).map((m) => m.name)
    migrationNames.forEach((m, i) => {
      if (!MIGRATION_NAME.test(m) || migrationNames.indexOf(m) !== i || (i > 0 && migrationNames[i - 1]! >= m)) {
        out.push({
          subject: `${name}/${m}`,
          code: CoreCode.PluginInvalid,
          text: {
            "zh-CN": `插件 ${name} 的迁移 ${m} 无效：名称应为 0001_xxx 形式、唯一且按序排列`,
            en: `Migration ${m} of ${name} is invalid: names are 0001_xxx, unique and in order`
          }
        })
      }
    })
  }
  return out
}

/** Checks and orders the plugins and collects what they define. */
export const register = (
  core: ReadonlyArray<AnyPlugin>,
  plugins: ReadonlyArray<AnyPlugin>,
  policies: Readonly<Record<string, ReadonlyArray<string>>> = {}
): Effect.Effect<PluginRegistry, KernelConfigError> =>
  Effect.gen(function* () {
    const shape = validateShape([...core, ...plugins], new Set(core.map((m) => m.name)))
    if (shape.length > 0) {
      return yield* configError(
        shape[0]!.code,
        shape.map((s) => s.subject),
        shape.map((s) => s.text)
      )
    }
    const owners = [...core, ...(yield* order(plugins))]
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const commands = new Map<string, Registered<CommandDef<any, any, any, any>>>()
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const queries = new Map<string, Registered<QueryDef<any, any, any>>>()
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const imports = new Map<string, Registered<ImportDef<any, any, any, any>>>()
    const handlers = new Map<string, Array<HandlerEntry>>()
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const jobs: Array<Registered<JobDef<any>>> = []
    const rules = new Map<string, ReadonlyArray<string>>()
    const referenceTables = new Set<string>()
    const scopedTables = new Map<string, ScopedTable & { readonly owner: string }>()
    const prefixes = new Map<string, ReadonlyArray<string>>()
    for (const owner of owners) {
      const { name, spec } = owner
      const entry = <D>(key: string, def: D): Registered<D> => ({ owner: name, action: `${name}.${key}`, def })
      const defs = spec as PluginSpec<string, AnyCommands, AnyQueries, AnyImports>
      for (const [key, def] of Object.entries(defs.commands ?? {})) commands.set(`${name}.${key}`, entry(key, def))
      for (const [key, def] of Object.entries(defs.queries ?? {})) queries.set(`${name}.${key}`, entry(key, def))
      for (const [key, def] of Object.entries(defs.imports ?? {})) imports.set(`${name}.${key}`, entry(key, def))
      for (const [type, handler] of Object.entries(spec.on ?? {})) {
        const list = handlers.get(type) ?? []
        list.push({ owner: name, name: `${name}.on(${type})`, handler })
        handlers.set(type, list)
      }
      for (const [key, def] of Object.entries(spec.jobs ?? {}))
        jobs.push({ owner: name, action: `${name}.${key}`, def })
      for (const [key, roles] of Object.entries({ ...spec.permissions, ...spec.policies })) {
        rules.set(`${name}.${key}`, roles)
      }
      for (const [table, scoped] of Object.entries(spec.scopedTables ?? {}))
        scopedTables.set(table, { ...scoped, owner: name })
      for (const table of spec.referenceTables ?? []) referenceTables.add(table)
      prefixes.set(name, name === "core" ? corePrefixes : [tablePrefix(name)])
    }
    // The host has the last word on who may do what.
    for (const [action, roles] of Object.entries(policies)) rules.set(action, roles)
    return { owners, commands, queries, imports, handlers, jobs, rules, referenceTables, scopedTables, prefixes }
  })
