#!/usr/bin/env node
// The `tollgate` command. Node (>= 22.18) runs the TypeScript sources directly; there is no build step.
import '../src/cli/main.ts';
