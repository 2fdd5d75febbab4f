import t from 'tap';
import { HawkerError } from '../../src/domain/errors.js';
import { checkText, requireText } from '../../src/domain/text.js';

t.test('the one text rule: refuses what reorders, hides or breaks text', async (t) => {
  const refused: Array<[string, string]> = [
    ['right-to-left override', 'Ana\u202Egpj.exe'],
    ['left-to-right embedding', '\u202AAna'],
    ['isolate', 'x\u2066y\u2069'],
    ['right-to-left mark', 'Ana\u200F'],
    ['Arabic letter mark', 'Ana\u061C'],
    ['zero-width space only', '\u200B\u200B'],
    ['zero-width joiners and BOM only', '\u200D\uFEFF\u2060'],
    ['Hangul filler only', '\u3164'],
    ['spaces only', '   '],
    ['empty', ''],
    ['lone high surrogate', 'a\uD800b'],
    ['lone low surrogate', '\uDC00'],
    ['C1 control (NEL)', 'a\u0085b'],
    ['C1 control (CSI)', 'a\u009B31mb'],
    ['C0 control', 'a\u0007b'],
    ['DEL', 'a\u007Fb'],
    ['escape sequence', '\u001B[2J'],
  ];
  for (const [what, text] of refused) t.equal(checkText(text).ok, false, what);

  const accepted: Array<[string, string, string]> = [
    ['plain', 'Ana', 'Ana'],
    ['trimmed, line breaks become spaces', '  two\r\nlines\tand a tab ', 'two lines and a tab'],
    ['emoji with joiners', 'fam 👨‍👩‍👧 ok', 'fam 👨‍👩‍👧 ok'],
    ['an emoji alone', '👍', '👍'],
    ['right-to-left script itself', 'مرحبا', 'مرحبا'],
    ['accents, CJK', 'Zoë 王', 'Zoë 王'],
    ['a zero-width space inside', 'a\u200Bb', 'a\u200Bb'],
  ];
  for (const [what, text, expected] of accepted) t.same(checkText(text), { ok: true, text: expected }, what);
});

t.test('requireText names the field and answers 400 INVALID_TEXT', async (t) => {
  t.equal(requireText('title', ' Hoses '), 'Hoses');
  try {
    requireText('displayName', 'x\u202Ey');
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof HawkerError);
    t.match(err, { code: 'INVALID_TEXT', status: 400, message: /^displayName: control and text-direction/ });
  }
});
