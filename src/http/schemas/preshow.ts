import { Type } from '@sinclair/typebox';
import { SUGGESTION_INPUT_MAX } from '../../reach/suggestions.js';
import { SuggestionViewSchema } from '../../realtime/server-messages.js';
import { ID_PATTERN, IsoTime } from './common.js';

export { SuggestionViewSchema };

export const SuggestionParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }), sid: Type.String({ pattern: ID_PATTERN }) });

export const NewSuggestion = Type.Object(
  {
    // the route bounds the bytes; the text rule then counts characters (2 to 200, trimmed)
    text: Type.String({ minLength: 1, maxLength: SUGGESTION_INPUT_MAX, description: '2 to 200 characters once trimmed; the chat blocklist applies, no links' }),
    productId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'a catalog product the suggestion is for (404 PRODUCT_NOT_FOUND)' })),
  },
  { additionalProperties: false },
);

export const SuggestionList = Type.Object({ suggestions: Type.Array(SuggestionViewSchema) });

export const SuggestableProducts = Type.Object({
  products: Type.Array(Type.Object({ id: Type.String(), title: Type.String({ description: 'draw it as text, never as HTML' }) }), { description: 'by title, at most 500' }),
});

export const SuggestionVotes = Type.Object({ votes: Type.Integer({ minimum: 0 }) });

export const PreshowCommentSchema = Type.Object({
  id: Type.String(),
  viewerId: Type.String(),
  displayName: Type.String(),
  text: Type.String({ description: 'as typed: draw it as text, never as HTML' }),
  at: IsoTime,
});

export const PreshowSchema = Type.Object({
  comments: Type.Array(PreshowCommentSchema, { description: 'chat lines stored before the show went live, oldest first (the newest 200)' }),
  suggestions: Type.Array(SuggestionViewSchema, { description: 'most-voted first; hidden ones are not listed' }),
});
