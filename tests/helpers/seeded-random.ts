/**
 * A small seeded generator (mulberry32) of numbers in [0, 1): the same seed gives the same
 * sequence, so a fuzz failure names inputs that can be run again and two bench runs ask for the
 * same things in the same order.
 */
export function seededRandom(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
