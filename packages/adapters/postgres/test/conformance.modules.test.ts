// The suite is spread over two files, which run in parallel: the core modules but the registry here, the kernel and the registry beside.
import { postgresConformance } from "./conformance.js"

postgresConformance(["modules"])
