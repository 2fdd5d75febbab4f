import { isDistinctive, type WordLine } from './words.js';

export interface KeywordBurst {
  word: string;
  /** distinct viewers who typed it during the burst */
  viewers: number;
  /** stream time of its first and last line (ms since Go live; negative before it) */
  startMs: number;
  endMs: number;
}

export interface BurstRule {
  /** at least this many distinct viewers ... */
  minViewers: number;
  /** ... typed the word within this many ms of each other */
  windowMs: number;
}

/** the most bursts a report lists (the biggest first) */
export const BURSTS_MAX = 100;

/**
 * Keyword bursts: a word (function words left out) typed by at least `minViewers` distinct
 * viewers within `windowMs`. Every line inside such a window belongs to the burst; windows
 * that overlap or touch merge into one burst, so a word that trends for two minutes is one
 * row, not a hundred. A viewer repeating the word counts once.
 */
export function findBursts(lines: readonly WordLine[], rule: BurstRule, startedAt: number): KeywordBurst[] {
  const byWord = new Map<string, Array<{ at: number; viewerId: string }>>();
  for (const line of [...lines].sort((a, b) => a.at - b.at)) {
    for (const word of new Set(line.words.filter(isDistinctive))) {
      const list = byWord.get(word) ?? [];
      list.push({ at: line.at, viewerId: line.viewerId });
      byWord.set(word, list);
    }
  }
  const bursts: KeywordBurst[] = [];
  for (const [word, uses] of byWord) {
    if (new Set(uses.map((u) => u.viewerId)).size < rule.minViewers) continue;
    const inBurst = new Uint8Array(uses.length);
    const inWindow = new Map<string, number>();
    let left = 0;
    let markedUpTo = -1;
    for (let right = 0; right < uses.length; right++) {
      const v = uses[right]!.viewerId;
      inWindow.set(v, (inWindow.get(v) ?? 0) + 1);
      while (uses[right]!.at - uses[left]!.at > rule.windowMs) {
        const gone = uses[left]!.viewerId;
        const n = inWindow.get(gone)! - 1;
        if (n === 0) inWindow.delete(gone);
        else inWindow.set(gone, n);
        left++;
      }
      if (inWindow.size >= rule.minViewers) {
        for (let k = Math.max(left, markedUpTo + 1); k <= right; k++) inBurst[k] = 1;
        markedUpTo = right;
      }
    }
    let run: Array<{ at: number; viewerId: string }> = [];
    const close = () => {
      if (run.length > 0) bursts.push({ word, viewers: new Set(run.map((u) => u.viewerId)).size, startMs: run[0]!.at - startedAt, endMs: run[run.length - 1]!.at - startedAt });
      run = [];
    };
    for (let k = 0; k < uses.length; k++) {
      if (!inBurst[k]) close();
      else {
        if (run.length > 0 && uses[k]!.at - run[run.length - 1]!.at > rule.windowMs) close();
        run.push(uses[k]!);
      }
    }
    close();
  }
  return bursts.sort((a, b) => b.viewers - a.viewers || a.startMs - b.startMs || a.word.localeCompare(b.word)).slice(0, BURSTS_MAX);
}
