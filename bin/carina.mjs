#!/usr/bin/env node
// The `carina` command: registers the TypeScript loader, then runs the command dispatcher.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./carina-main.ts');
process.exitCode = await main(process.argv.slice(2));
