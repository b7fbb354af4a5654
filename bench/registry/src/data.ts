/**
 * The two files the bench imports, written by the Lingdong example's generator
 * (`@shequ/example-lingdong/generator`) in a child process under tsx: the
 * generator ships as TypeScript source, and neither tsx's loader nor the
 * generator should count in this process's memory. The files go in a
 * temporary directory, removed at the end of the run.
 */
import { execFile } from "node:child_process"
import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

export interface DataFiles {
  readonly dir: string
  readonly places: string
  readonly residents: string
  readonly placeRows: number
  readonly residentRows: number
  readonly grids: number
  readonly households: number
  readonly bytes: number
  readonly seconds: number
  /** ID numbers spread evenly over the residents file, for the look-ups. */
  readonly idNumbers: ReadonlyArray<string>
  remove(): Promise<void>
}

const script = fileURLToPath(new URL("../tools/generate.ts", import.meta.url))

export const generate = async (seed: number, residents: number, sample: number): Promise<DataFiles> => {
  const dir = await mkdtemp(join(tmpdir(), "shequ-bench-registry-data-"))
  const places = join(dir, "places.csv")
  const people = join(dir, "residents.csv")
  const remove = () => rm(dir, { recursive: true, force: true })
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        import.meta.resolve("tsx"),
        script,
        "--seed",
        String(seed),
        "--residents",
        String(residents),
        "--places",
        places,
        "--people",
        people,
        "--sample",
        String(sample)
      ],
      { maxBuffer: 1024 * 1024 }
    )
    const made = JSON.parse(stdout.trim().split("\n").pop()!) as {
      places: number
      residents: number
      grids: number
      expected: { households: number }
      sample: ReadonlyArray<string>
      seconds: number
    }
    const { size } = await stat(people)
    return {
      dir,
      places,
      residents: people,
      placeRows: made.places,
      residentRows: made.residents,
      grids: made.grids,
      households: made.expected.households,
      bytes: size,
      seconds: made.seconds,
      idNumbers: made.sample,
      remove
    }
  } catch (error) {
    await remove()
    throw error
  }
}
