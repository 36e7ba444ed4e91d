// Builds the web UI (ui/ → ui/dist) when it is missing or older than its sources. Run by `npm install`
// (postinstall) and `npm start` (prestart), so nobody has to build it by hand. Plain JavaScript, so it
// also runs where Node does not strip types (under node_modules, older Node); a failed build warns and
// leaves the gateway working without its UI rather than failing the install.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = fileURLToPath(new URL('../ui/', import.meta.url));
const built = join(ui, 'dist', 'index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (!existsSync(built) || statSync(built).mtimeMs < newest(ui)) {
  try {
    const { build } = await import('vite');
    await build({ configFile: join(ui, 'vite.config.ts') });
    process.stdout.write('tollgate: web UI built (ui/dist)\n');
  } catch (err) {
    process.stderr.write(
      `tollgate: the web UI could not be built (${err instanceof Error ? err.message : String(err)}); ` +
        'the gateway works without it. Run `npm run build:ui` to try again.\n',
    );
  }
}
