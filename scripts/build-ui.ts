// Builds the web UI (ui/ → ui/dist) when it is missing or older than its sources. Run by `npm install`
// (postinstall) and `npm start` (prestart), so nobody has to build it by hand.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = fileURLToPath(new URL('../ui/', import.meta.url));
const built = join(ui, 'dist', 'index.html');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (!existsSync(built) || statSync(built).mtimeMs < newest(ui)) {
  const { build } = await import('vite');
  await build({ configFile: join(ui, 'vite.config.ts') });
  process.stdout.write('tollgate: web UI built (ui/dist)\n');
}
