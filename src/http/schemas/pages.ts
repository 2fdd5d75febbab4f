import { Type } from '@sinclair/typebox';
import { IdParams } from './common.js';

const AssetFile = Type.String({ pattern: '^[a-z0-9.-]{1,64}$' });
export const ASSET_DIR_PATTERN = '^[a-z0-9-]{1,32}$';
export const AssetParams = Type.Object({ file: AssetFile });
export const PageAssetParams = Type.Object({ dir: Type.String({ pattern: ASSET_DIR_PATTERN }), file: AssetFile });
/** the content hash the page put in the URL: a match may be cached for good */
export const Version = Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) });

export const WatchParams = IdParams;
export const WatchQuery = Type.Object({ embed: Type.Optional(Type.String({ maxLength: 8 })), product: Type.Optional(Type.String({ maxLength: 64 })) });

export const LoginBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const AdminSession = Type.Object({ csrfToken: Type.String({ description: 'send it back as X-CSRF-Token on every change' }) });
