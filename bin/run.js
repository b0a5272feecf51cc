#!/usr/bin/env node
// @oclif/core checks Node against its own engines (>=18) with semver, ~50 modules and ~30 ms of CPU in every command;
// ccx's own engines (package.json) are stricter, so the check can never warn.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const {execute} = await import('@oclif/core')

await execute({dir: import.meta.url})
