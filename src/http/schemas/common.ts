import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox';

/**
 * Text a person typed and we will draw (titles, announcements): printable, not blank. Control
 * characters have no place on a video frame or a page.
 */
export const PRINTABLE_TEXT = '^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$';

/** Ids we hand out (shows, products): URL-safe, bounded. */
export const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

// TypeBox's checker knows no formats until told; times come in as RFC 3339 with a zone.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A time on the wire: RFC 3339 in UTC, as Date.prototype.toISOString() writes it. */
export const IsoTime = Type.String({ format: 'date-time' });

/** `:id` of the routes under /api/shows/:id (and of products, orders, coupons by their own id). */
export const IdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });
