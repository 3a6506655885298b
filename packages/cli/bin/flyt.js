#!/usr/bin/env node
// Entry point of the `flyt` command: runs the compiled CLI (build with `npm run build`).
import { runCli } from "../dist/main.js";

process.exitCode = await runCli(process.argv.slice(2));
