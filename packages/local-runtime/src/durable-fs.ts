// PGlite's NodeFS with a real fsync: Emscripten's NODEFS has none (and fdatasync is a no-op), so Postgres's fsync
// of the WAL at commit and of data files at a checkpoint reached nothing on disk. This makes fsync(2) reach the file.
import { closeSync, fdatasyncSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** The bits of Emscripten's FS this needs (its types are not exported). */
interface EmscriptenFS {
  isDir(mode: number): boolean;
  filesystems: {
    NODEFS: {
      stream_ops: Record<string, unknown>;
      tryFSOperation<T>(operation: () => T): T;
    };
  };
}

/** What Postgres needs to set for its fsyncs to go through the function below (see database.ts). */
export const DURABLE_SETTINGS = ['-c', 'fsync=on', '-c', 'wal_sync_method=fsync'];

export class DurableNodeFS extends NodeFS {
  /** fsync calls that reached the disk (a test reads it). */
  syncs = 0;

  override async init(pg: PGlite, options: Parameters<NodeFS['init']>[1]) {
    const { emscriptenOpts } = await super.init(pg, options);
    const patch = (mod: { FS: EmscriptenFS }) => {
      const nodefs = mod.FS.filesystems.NODEFS;
      nodefs.stream_ops.fsync = (stream: { nfd: number; node: { mode: number } }) =>
        nodefs.tryFSOperation(() => {
          // a directory's entries are its data; a file's size is flushed by fdatasync too (what Postgres uses on Linux)
          if (mod.FS.isDir(stream.node.mode)) fsyncSync(stream.nfd);
          else fdatasyncSync(stream.nfd);
          this.syncs += 1;
          return 0;
        });
    };
    const preRun = [emscriptenOpts.preRun ?? []].flat();
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...preRun, patch] as typeof emscriptenOpts.preRun } };
  }
}

/** fsync every file and folder under `dir` (once, after initdb made the cluster). */
export function syncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) syncTree(path);
    else if (entry.isFile()) syncPath(path);
  }
  syncPath(dir);
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
