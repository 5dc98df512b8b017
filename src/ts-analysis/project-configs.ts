import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { ts } from './typescript.js';
import type { ResolutionHost } from './resolution-host.js';

/**
 * Each file's owning tsconfig/jsconfig: the nearest one upwards (stopping at
 * the workspace root); for a solution-style config (`references`, no files of
 * its own), the referenced project that lists the file. Configs are read with
 * TypeScript's own reader, so `extends` (arrays, configs from packages,
 * `${configDir}`) means what it means to tsc.
 */
export interface OwningConfig {
  path: string | undefined;
  options: ts.CompilerOptions;
  cache: ts.ModuleResolutionCache;
}

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowJs: true,
  resolveJsonModule: true,
};

export class ProjectConfigs {
  private readonly nearestByDir = new Map<string, string | null>();
  private readonly parsed = new Map<string, ts.ParsedCommandLine | null>();
  private readonly owners = new Map<string, OwningConfig>();
  private readonly fileLists = new Map<string, Set<string>>();
  private fallback?: OwningConfig;
  /** Configs that failed to parse, with TypeScript's message. */
  readonly problems: { config: string; message: string }[] = [];

  constructor(
    private readonly host: ResolutionHost,
    private readonly stopAt: string,
  ) {}

  private nearest(dir: string): string | undefined {
    const hit = this.nearestByDir.get(dir);
    if (hit !== undefined) return hit ?? undefined;
    let found: string | null = null;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      if (existsSync(join(dir, name))) {
        found = join(dir, name);
        break;
      }
    }
    if (!found && dir !== this.stopAt && dirname(dir) !== dir && (dir + sep).startsWith(this.stopAt + sep)) found = this.nearest(dirname(dir)) ?? null;
    this.nearestByDir.set(dir, found);
    return found ?? undefined;
  }

  private parse(path: string, listFiles = false): ts.ParsedCommandLine | undefined {
    const key = listFiles ? `${path}\0files` : path;
    const hit = this.parsed.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const read = ts.readConfigFile(path, this.host.readFile);
    let result: ts.ParsedCommandLine | null = null;
    if (read.error) {
      this.problems.push({ config: path, message: ts.flattenDiagnosticMessageText(read.error.messageText, '\n') });
    } else {
      const parseHost: ts.ParseConfigHost = listFiles ? { ...this.host, readDirectory: this.host.readDirectoryForReal, useCaseSensitiveFileNames: true, fileExists: this.host.fileExists, readFile: this.host.readFile } : this.host;
      result = ts.parseJsonConfigFileContent(read.config, parseHost, dirname(path), undefined, path);
    }
    this.parsed.set(key, result);
    return result ?? undefined;
  }

  private files(path: string): Set<string> {
    let set = this.fileLists.get(path);
    if (!set) {
      set = new Set(this.parse(path, true)?.fileNames ?? []);
      this.fileLists.set(path, set);
    }
    return set;
  }

  /** For a solution-style config, the referenced project (depth-first) that lists the file. */
  private owner(configPath: string, file: string, seen = new Set<string>()): string {
    if (seen.has(configPath)) return configPath;
    seen.add(configPath);
    const parsed = this.parse(configPath);
    const refs = parsed?.projectReferences ?? [];
    if (!refs.length || this.files(configPath).has(file)) return configPath;
    // Every referenced project's options are read, so an alias of a sibling project is known as an alias.
    for (const ref of refs) {
      const refPath = ts.resolveProjectReferencePath(ref);
      if (existsSync(refPath)) this.parse(refPath);
    }
    for (const ref of refs) {
      const refPath = ts.resolveProjectReferencePath(ref);
      if (!existsSync(refPath)) continue;
      const inner = this.owner(refPath, file, seen);
      if (this.files(inner).has(file)) return inner;
    }
    return configPath;
  }

  /** Does a `paths` pattern of any config read so far match the specifier (an alias, even if not this file's)? */
  anyAlias(specifier: string, matches: (specifier: string, options: ts.CompilerOptions) => boolean): boolean {
    for (const p of this.parsed.values()) if (p && matches(specifier, p.options)) return true;
    return false;
  }

  /** The config that owns an absolute file path. */
  ownerOf(file: string): OwningConfig {
    const near = this.nearest(dirname(file));
    if (!near) return (this.fallback ??= { path: undefined, options: DEFAULT_OPTIONS, cache: ts.createModuleResolutionCache(this.stopAt, (s) => s, DEFAULT_OPTIONS) });
    const path = this.owner(near, file);
    let owning = this.owners.get(path);
    if (!owning) {
      const options = { ...(this.parse(path)?.options ?? {}), allowJs: true, resolveJsonModule: true };
      owning = { path, options, cache: ts.createModuleResolutionCache(dirname(path), (s) => s, options) };
      this.owners.set(path, owning);
    }
    return owning;
  }
}
