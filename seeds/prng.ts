// A small seeded pseudo-random generator, so the demo data is the same on every run.
// Each part of the seed draws from its own stream (named by a label), so adding a draw in one
// part never shifts the numbers of another.

export type Rng = {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  between(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An item picked by weight: [[item, weight], ...]. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
};

const DEMO_SEED = 20160731;

/** mulberry32: tiny, fast and good enough for demo figures (not for anything secret). */
export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a label, to derive one stream per label from the fixed demo seed. */
function hashLabel(label: string) {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function rngFor(label: string, seed = DEMO_SEED): Rng {
  const next = mulberry32((seed ^ hashLabel(label)) >>> 0);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (choices) => {
      const total = choices.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [item, w] of choices) {
        r -= w;
        if (r < 0) return item;
      }
      return choices[choices.length - 1]![0];
    },
  };
  return rng;
}
