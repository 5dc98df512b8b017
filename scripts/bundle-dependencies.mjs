// Part of `npm run build`: replaces two compiled modules of the tool with esbuild
// bundles of the dependency they re-export, so every command starts without loading
// what it never uses. The declaration files tsc wrote stay: the types are the
// packages' own. Figures: BENCHMARKS.md ("migrate").
import { build } from 'esbuild';

const common = { bundle: true, format: 'esm', platform: 'node', allowOverwrite: true, logLevel: 'warning' };

// zod: one tree-shaken file of the builders the config schema uses, instead of
// zod's ~95 ES modules (src/config/zod.ts).
await build({
  ...common,
  entryPoints: ['src/config/zod.ts'],
  outfile: 'dist/src/config/zod.js',
  banner: { js: '/* zod (MIT License, Copyright (c) 2025 Colin McDonnell), bundled by finbrain\'s build: see src/config/zod.ts */' },
});

// Umzug without its command-line interface: umzug's entry requires its CLI, which
// loads @rushstack/ts-command-line and z-schema, ~100 ms of every `migrate up`
// and `down` (src/migrate/umzug.ts). Umzug.runAsCLI is the one thing that needs it.
await build({
  ...common,
  entryPoints: ['src/migrate/umzug.ts'],
  outfile: 'dist/src/migrate/umzug.js',
  banner: {
    js: [
      '/* umzug (MIT License, Copyright (c) 2014-2017 Sequelize contributors), bundled by finbrain\'s build without its CLI: see src/migrate/umzug.ts */',
      // Umzug is CommonJS: its require() of Node's own modules needs a require in this ES module.
      "import { createRequire as __finbrainCreateRequire } from 'node:module';",
      'const require = __finbrainCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  plugins: [
    {
      name: 'umzug-without-its-cli',
      setup(b) {
        b.onResolve({ filter: /^\.\/cli$/ }, (args) => (/[\\/]umzug[\\/]lib[\\/]/.test(args.importer) ? { path: 'umzug-cli', namespace: 'finbrain-stub' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'finbrain-stub' }, () => ({
          loader: 'js',
          contents: "exports.UmzugCLI = class { constructor() { throw new Error('finbrain bundles Umzug without its command-line interface'); } };",
        }));
      },
    },
  ],
});
