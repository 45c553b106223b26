// Step 1 and --rollback: copies of every file the migration may touch, a manifest of which existed (and which
// folders did not), and the byte-for-byte restore that also removes whatever the migration created.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export type ManifestStatus = 'in-progress' | 'completed' | 'failed' | 'rolled-back';

export interface ManifestEntry {
  /** Relative to the project root, with forward slashes. */
  path: string;
  existed: boolean;
  sha256?: string;
  mode?: number;
}

export interface Manifest {
  version: 1;
  createdAt: string;
  root: string;
  status: ManifestStatus;
  host: string;
  port: number;
  files: ManifestEntry[];
  /** Folders (relative) that did not exist: removed again on rollback when the migration left them empty. */
  missingDirs: string[];
}

export const MANIFEST = 'manifest.json';
const FILES = 'files';

export const manifestPath = (backupDir: string) => join(backupDir, MANIFEST);

export function readManifest(backupDir: string): Manifest | null {
  const file = manifestPath(backupDir);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

export function writeManifest(backupDir: string, manifest: Manifest): void {
  writeFileSync(manifestPath(backupDir), `${JSON.stringify(manifest, null, 2)}\n`);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A regular file (or a link to one) that can be copied; folders and the like count as absent. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Folders between the root and `file` that do not exist yet, deepest last. */
function missingAncestors(root: string, file: string): string[] {
  const missing: string[] = [];
  for (let dir = dirname(file); dir !== root && dir.startsWith(root + sep); dir = dirname(dir)) {
    if (!existsSync(dir)) missing.unshift(relative(root, dir).split(sep).join('/'));
  }
  return missing;
}

/** Copies each existing file into backupDir/files/<path> and writes the manifest (status in-progress). */
export function backUp(
  root: string,
  backupDir: string,
  paths: readonly string[],
  meta: { host: string; port: number },
): Manifest {
  mkdirSync(join(backupDir, FILES), { recursive: true });
  const files: ManifestEntry[] = [];
  const missingDirs = new Set<string>();
  for (const path of paths) {
    const source = resolve(root, path);
    if (!isFile(source)) {
      files.push({ path, existed: false });
      for (const dir of missingAncestors(root, source)) missingDirs.add(dir);
      continue;
    }
    const copy = join(backupDir, FILES, path);
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(source, copy);
    const bytes = readFileSync(copy);
    if (sha256(bytes) !== sha256(readFileSync(source))) throw new Error(`backup of ${path} does not match`);
    files.push({ path, existed: true, sha256: sha256(bytes), mode: statSync(source).mode & 0o7777 });
  }
  const manifest: Manifest = {
    version: 1,
    createdAt: new Date().toISOString(),
    root,
    status: 'in-progress',
    ...meta,
    files,
    missingDirs: [...missingDirs],
  };
  writeManifest(backupDir, manifest);
  return manifest;
}

export interface RestoreReport {
  restored: string[];
  removed: string[];
  unchanged: string[];
}

/** Puts every file back as the manifest describes it; verifies each restored file's checksum. */
export function restore(root: string, backupDir: string, manifest: Manifest): RestoreReport {
  const report: RestoreReport = { restored: [], removed: [], unchanged: [] };
  for (const entry of manifest.files) {
    const target = resolve(root, entry.path);
    if (entry.existed) {
      const copy = join(backupDir, FILES, entry.path);
      const bytes = readFileSync(copy);
      if (sha256(bytes) !== entry.sha256)
        throw new Error(`the backup of ${entry.path} is damaged (checksum)`);
      if (isFile(target) && sha256(readFileSync(target)) === entry.sha256) {
        report.unchanged.push(entry.path);
      } else {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
        report.restored.push(entry.path);
      }
      if (entry.mode !== undefined) chmodSync(target, entry.mode);
      if (sha256(readFileSync(target)) !== entry.sha256) throw new Error(`restoring ${entry.path} failed`);
    } else if (existsSync(target) && (lstatSync(target).isFile() || lstatSync(target).isSymbolicLink())) {
      // Only files are ours to remove: a folder at that path was not made by the migration.
      rmSync(target);
      report.removed.push(entry.path);
    }
  }
  const deepestFirst = [...manifest.missingDirs].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const dir of deepestFirst) {
    const path = resolve(root, dir);
    if (existsSync(path) && lstatSync(path).isDirectory() && readdirSync(path).length === 0) rmdirSync(path);
  }
  return report;
}
