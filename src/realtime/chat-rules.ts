import { CHAT_TEXT_MAX } from '../domain/audience.js';
import { checkText } from '../domain/text.js';

export type TextVerdict = { ok: true; text: string } | { ok: false; code: 'INVALID_MESSAGE' | 'MESSAGE_TOO_LONG' | 'MESSAGE_BLOCKED' | 'LINKS_NOT_ALLOWED'; message: string };

// Schemes, www., and bare domains with a common top-level domain: enough to stop spam links
// without refusing "3.5 inches" or "e.g.".
const LINK = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|shop|store|ly|me|info|biz|xyz|app|link|click|top|ru|cn|de|uk|gg|tv)\b/i;

/**
 * What a chat line must be: text by the one text rule (src/domain/text.ts), at most `maxLength`
 * characters (code points, so an emoji counts once), no word from the blocklist, and no link
 * unless the show allows links.
 */
export class ChatRules {
  private readonly blocked: RegExp | null;

  constructor(
    blocklist: readonly string[],
    private readonly maxLength: number = CHAT_TEXT_MAX,
  ) {
    const words = blocklist.map((w) => w.normalize('NFKC').toLowerCase().trim()).filter((w) => w.length > 0);
    this.blocked = words.length
      ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\p{L}\\p{N}])`, 'u')
      : null;
  }

  check(raw: string, linksAllowed: boolean): TextVerdict {
    // the one text rule names, titles and chat share (line breaks become spaces)
    const verdict = checkText(raw);
    if (!verdict.ok) return { ok: false, code: 'INVALID_MESSAGE', message: verdict.message === 'is blank' ? 'the message is blank' : verdict.message };
    const text = verdict.text;
    const length = [...text].length;
    if (length > this.maxLength) {
      return { ok: false, code: 'MESSAGE_TOO_LONG', message: `at most ${this.maxLength} characters; this one has ${length}` };
    }
    if (this.blocked?.test(text.normalize('NFKC').toLowerCase())) {
      return { ok: false, code: 'MESSAGE_BLOCKED', message: 'the message contains a word this show does not allow' };
    }
    if (!linksAllowed && LINK.test(text)) {
      return { ok: false, code: 'LINKS_NOT_ALLOWED', message: 'links are not allowed in this chat' };
    }
    return { ok: true, text };
  }
}
