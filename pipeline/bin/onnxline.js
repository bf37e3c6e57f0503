#!/usr/bin/env node
// The `onnxline` command. onnxline is written in TypeScript and runs through tsx's loader,
// so no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
await main();
