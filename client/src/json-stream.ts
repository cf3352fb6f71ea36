// A stream of JSON documents as the engine writes them (events, progress, stats): one per line
// as a rule, but split at top-level object boundaries, so documents that are concatenated without
// a newline or broken across chunks parse too.
import { StringDecoder } from 'node:string_decoder';
import { StreamError } from './errors.js';

export async function* parseJsonStream<T>(source: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  let text = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) {
    const base = text.length;
    text += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let consumed = 0;
    for (let i = base; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) { if (depth++ === 0) start = i; }
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          const doc = text.slice(start, i + 1);
          consumed = i + 1;
          try { yield JSON.parse(doc) as T; } catch { throw new StreamError(`invalid JSON in stream: ${doc.slice(0, 200)}`); }
        }
      }
    }
    // Keep only the unfinished document.
    text = text.slice(consumed);
    if (depth > 0) start -= consumed; else { text = ''; start = -1; }
  }
  if (depth > 0) throw new StreamError('JSON stream ended inside a document');
}
