#!/usr/bin/env node
// The CLI entry shim: the CLI lives in src/cli/.
export * from './cli/main.js'
