/**
 * A small seeded pseudo-random generator (a 32-bit mix of a Weyl sequence, in the spirit of
 * splitmix). Test data and simulated faults must repeat exactly for a seed, so `Math.random` is
 * never used by the simulator.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Normally distributed (Box-Muller), mean 0 and standard deviation 1. */
  normal(): number;
  pick<T>(items: readonly T[]): T;
  /** An independent generator derived from this one, so adding draws here does not shift it. */
  fork(label: string): Random;
}

export function createRandom(seed: number | string): Random {
  let state = hashSeed(seed);
  const nextU32 = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const next = (): number => nextU32() / 0x1_0000_0000;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    fork: (label) => createRandom(`${nextU32()}:${label}`),
  };
}

/** FNV-1a over the seed's text, so 1, '1' and 'device-1' all give well-spread states. */
function hashSeed(seed: number | string): number {
  const text = String(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
