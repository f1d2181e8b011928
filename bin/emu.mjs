#!/usr/bin/env node
// emu's command line. TypeScript runs directly through tsx (no build step), which
// is also what lets `emu run` load scenario files written in TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
