/**
 * `shequ init --db DB --district 230503 --name 岭东区 [--key-file KEY]`: migrate,
 * register the district, and settle the key.
 *
 * The key: a `--key-file` that exists is used as it is; one that does not is
 * created with a fresh random key (base64, mode 0600, never overwritten). Either
 * way the kernel stores the key's fingerprint at its first start with a key and
 * refuses any other key afterwards, so the file is the only copy of what opens
 * the stored numbers: `init` says so, and the user backs it up. If the kernel
 * refuses a key `init` has just made (the database already has another), the new
 * file is removed again, since nothing was sealed with it. Without `--key-file`
 * no key is set; the first command given one sets it.
 *
 * Running `init` again with the same arguments changes nothing.
 */
import { Core } from "@shequ/core"
import type { Command } from "commander"
import { UsageError } from "../internal/exit.js"
import { createKeyFile, discardKeyFile, readKeyFile } from "../internal/keyFile.js"
import { cliActor, type Common, openKernel, type Shell } from "../internal/shell.js"
import { existsSync } from "node:fs"

interface InitOptions extends Common {
  readonly district: string
  readonly name: string
  readonly keyFile?: string
}

export const initCommand = (program: Command, shell: Shell): void => {
  const { t, say, warn } = shell
  shell
    .withCommon(program.command("init").description(t.init))
    .requiredOption("--district <code>", t.districtCode)
    .requiredOption("--name <name>", t.districtName)
    .option("--key-file <path>", t.initKeyFile)
    .action(async (options: InitOptions) => {
      // Checked before anything is created, so a typo leaves no key file behind.
      if (!/^\d{6}$/.test(options.district)) throw new UsageError(t.badDistrictCode(options.district))
      const name = options.name.trim()
      if (name === "") throw new UsageError(t.badDistrictName)

      let key: string | undefined
      let created = false
      if (options.keyFile !== undefined) {
        if (existsSync(options.keyFile)) {
          const read = await readKeyFile(options.keyFile, t)
          if (read.loose !== undefined) warn(t.keyFileLoose(options.keyFile, read.loose))
          key = read.key
        } else {
          key = await createKeyFile(options.keyFile, t)
          created = true
        }
      }

      const kernel = await openKernel(shell, { ...options, ...(key === undefined ? {} : { key }) }).catch(
        async (error: unknown) => {
          // Nothing was sealed with a key the kernel refused (or never checked): no need to keep it.
          if (created) await discardKeyFile(options.keyFile!)
          throw error
        }
      )
      try {
        if (kernel.applied.length > 0) say(`${t.applied}: ${kernel.applied.join(", ")}`)
        if (created) say(t.keyCreated(options.keyFile!))
        else if (options.keyFile !== undefined) say(t.keyUsed(options.keyFile))
        const district = await kernel.exec(Core.commands.registerDistrict({ code: options.district, name }), cliActor)
        say(t.districtRegistered(district.code, district.name))
      } finally {
        await kernel.close()
      }
    })
}
