// Container names: validation with dockerd's rule and message, and generated names in dockerd's
// "adjective_surname" style.
import crypto from 'node:crypto';
import { InvalidParameterError } from '../errdefs/index.js';

const VALID = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function validateName(name: string): string {
  if (!VALID.test(name)) {
    throw new InvalidParameterError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.replace(/^\//, '');
}

const LEFT = ['admiring', 'agitated', 'amazing', 'blissful', 'bold', 'brave', 'busy', 'charming', 'clever',
  'cool', 'dazzling', 'eager', 'ecstatic', 'elegant', 'epic', 'festive', 'focused', 'friendly', 'gallant',
  'gifted', 'happy', 'hopeful', 'jolly', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'modest', 'nice',
  'nifty', 'peaceful', 'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'sweet', 'tender', 'vibrant',
  'wizardly', 'youthful', 'zealous'];
const RIGHT = ['albattani', 'banach', 'bell', 'bohr', 'curie', 'darwin', 'dijkstra', 'einstein', 'euclid',
  'fermat', 'feynman', 'galileo', 'gauss', 'hamilton', 'hopper', 'hypatia', 'johnson', 'kepler', 'knuth',
  'lamport', 'lovelace', 'maxwell', 'mccarthy', 'meitner', 'newton', 'noether', 'pascal', 'ritchie',
  'shannon', 'thompson', 'torvalds', 'turing', 'wozniak', 'yalow'];

function pick<T>(xs: readonly T[]): T {
  return xs[crypto.randomInt(xs.length)]!;
}

export function generateName(taken: (name: string) => boolean): string {
  for (let i = 0; i < 10; i++) {
    const name = `${pick(LEFT)}_${pick(RIGHT)}`;
    if (!taken(name)) return name;
  }
  for (;;) {
    const name = `${pick(LEFT)}_${pick(RIGHT)}${crypto.randomInt(10)}`;
    if (!taken(name)) return name;
  }
}
