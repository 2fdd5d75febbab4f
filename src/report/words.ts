/**
 * How the report reads chat: words are runs of letters and digits, compared without case or
 * accents ("Gaze", "gazé" and "GAZE" are one word), and the commonest words of a few shop
 * languages carry no meaning of their own.
 */

/** lower case, accents and other combining marks removed, compatibility forms folded (ﬁ → fi) */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** the words of a text, folded, in order */
export function tokenize(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Function words of English, French, Spanish, German and Italian, and chat fillers and greetings:
// every viewer types them, so they never say what the audience wants.
const STOP_WORDS = new Set(
  `a an and are as at be been but by can could did do does for from had has have he her here him his how i if in into is it its
  just me my no not of on or our she so some such than that the their them then there these they this those to too up us
  was we were what when where which who why will with would you your yours
  am any all also get got im ive its dont cant want wants need please pls plz show see one ones more much very really
  hi hello hey hiya lol lmao haha hahaha ok okay yes yeah yep wow omg thanks thank thx ty
  le la les un une des du de et ou est en au aux ce cet cette je tu il elle nous vous ils elles mon ma mes ton ta tes son sa ses pour par sur avec pas plus que qui oui non merci bonjour salut
  el los las una unos unas del y o es en al lo mi mis tu tus su sus para por con sin que si muy hola gracias
  der die das ein eine einen und oder ist im am zu mit von fur auf ich du er sie wir ihr nicht ja nein danke hallo
  il lo gli una di da per con su che e non si grazie ciao`
    .split(/\s+/)
    .filter(Boolean),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** a word that can carry meaning: not a function word, and longer than one character */
export function isDistinctive(word: string): boolean {
  return word.length > 1 && !STOP_WORDS.has(word);
}

/** a chat line read into its words, once for every analysis of the report */
export interface WordLine {
  viewerId: string;
  at: number;
  words: string[];
}

/** the lines' words; the same text (a chat that repeats itself) is folded once */
export function readLines(lines: ReadonlyArray<{ viewerId: string; at: number; text: string }>): WordLine[] {
  const seen = new Map<string, string[]>();
  return lines.map((l) => {
    let words = seen.get(l.text);
    if (!words) seen.set(l.text, (words = tokenize(l.text)));
    return { viewerId: l.viewerId, at: l.at, words };
  });
}
