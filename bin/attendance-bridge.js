#!/usr/bin/env node
// The `attendance-bridge` command. It runs the CLI from its TypeScript sources through tsx (a runtime
// dependency), so a fresh clone and a global install work without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
