// The suite is spread over two files, which run in parallel: the kernel and the registry here, the other core modules beside.
import { postgresConformance } from "./conformance.js"

postgresConformance(["kernel", "registry"])
