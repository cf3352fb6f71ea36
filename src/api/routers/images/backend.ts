// What the images router needs from the image service.
import type { Readable, Writable } from 'node:stream';

export type ImageSummary = Record<string, unknown> & { Id: string };
export type ImageInspect = Record<string, unknown> & { Id: string };
export type ImageHistoryItem = Record<string, unknown> & { Id: string };

export interface ImageProgress {
  stream?: string;
  status?: string;
  id?: string;
}

export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ImagePruneResult {
  ImagesDeleted: ImageDeleteItem[] | null;
  SpaceReclaimed: number;
}

export interface ImportOptions {
  repo?: string;
  tag?: string;
  message?: string;
  changes: string[];
  signal: AbortSignal;
}

export interface ImageBackend {
  imageLoad(archive: Readable, options: { quiet: boolean; signal: AbortSignal; onProgress: (p: ImageProgress) => void }): Promise<void>;
  imageList(options: { all: boolean; digests: boolean; sharedSize?: boolean; filters: Record<string, string[]> }): Promise<ImageSummary[]>;
  imageInspect(ref: string): Promise<ImageInspect>;
  imageHistory(ref: string): Promise<ImageHistoryItem[]>;
  imageTag(ref: string, repo: string, tag: string): Promise<void>;
  imageRemove(ref: string, options: { force: boolean; noprune: boolean }): Promise<ImageDeleteItem[]>;
  imagePrune(filters: Record<string, string[]>): Promise<ImagePruneResult>;
  /** Resolves every name first (errors before any byte); the writer then streams the archive. */
  imageSave(names: string[]): Promise<(out: Writable, signal: AbortSignal) => Promise<void>>;
  /** Throws for a bad target name (before the body is read). */
  validateImportTarget(repo: string | undefined, tag: string | undefined): void;
  /** Returns the new image's ID. */
  imageImport(body: Readable, options: ImportOptions): Promise<string>;
}
