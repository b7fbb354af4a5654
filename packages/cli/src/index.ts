/**
 * `@shequ/cli`: the `shequ` command, and the pieces it is made of for hosts that
 * build their own.
 *
 * @since 0.1.0
 */
export { localeOf, messagesFor, type Messages } from "./messages.js"
export { loadPlugins } from "./plugins.js"
export type { Io } from "./internal/shell.js"
export { runShequ } from "./run.js"
export { isPostgres, openStorage, type StorageChoice } from "./storage.js"
