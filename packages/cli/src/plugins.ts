/**
 * Loads plugins from modules named on the command line.
 *
 * @since 0.1.0
 */
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import type { Plugin } from "@shequ/core"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyPlugin = Plugin<string, any, any, any>

const isPlugin = (value: unknown): value is AnyPlugin =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { name?: unknown }).name === "string" &&
  typeof (value as { spec?: unknown }).spec === "object"

/**
 * Every plugin value a module exports. A module that exports none is an error,
 * so a typo in `--plugin` never runs a kernel without the plugin.
 *
 * @since 0.1.0
 */
export const loadPlugins = async (
  modules: ReadonlyArray<string>,
  noPlugin: (module: string) => string
): Promise<ReadonlyArray<AnyPlugin>> => {
  const plugins: Array<AnyPlugin> = []
  for (const module of modules) {
    // A path is the user's file, relative to where they stand; anything else is a package name.
    const specifier = /^\.{0,2}\//.test(module) ? pathToFileURL(resolve(module)).href : module
    const exported = Object.values((await import(specifier)) as Record<string, unknown>).filter(isPlugin)
    if (exported.length === 0) throw new Error(noPlugin(module))
    for (const plugin of exported) if (!plugins.includes(plugin)) plugins.push(plugin)
  }
  return plugins
}
