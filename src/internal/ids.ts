// Container IDs: 64 lowercase hex characters, like dockerd's (never all-numeric, so a short
// prefix cannot be mistaken for a number by clients).
import crypto from 'node:crypto';

export function generateId(): string {
  for (;;) {
    const id = crypto.randomBytes(32).toString('hex');
    if (!/^[0-9]+$/.test(id.slice(0, 12))) return id;
  }
}

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
