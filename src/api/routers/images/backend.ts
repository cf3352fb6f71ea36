// What the images router needs from the image service.
import type { Readable } from 'node:stream';

export type ImageSummary = Record<string, unknown> & { Id: string };
export type ImageInspect = Record<string, unknown> & { Id: string };

export interface ImageProgress {
  stream?: string;
  status?: string;
  id?: string;
}

export interface ImageBackend {
  imageLoad(archive: Readable, options: { quiet: boolean; signal: AbortSignal; onProgress: (p: ImageProgress) => void }): Promise<void>;
  imageList(options: { all: boolean; digests: boolean; filters: Record<string, string[]> }): Promise<ImageSummary[]>;
  imageInspect(ref: string): Promise<ImageInspect>;
}
