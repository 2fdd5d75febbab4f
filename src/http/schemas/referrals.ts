import { Type, type Static } from '@sinclair/typebox';
import { joinRefusals } from '../../domain/referral.js';

/** a referral code as the viewer page sends it: what src/reach/referrals.ts makes (REFERRAL_CODE) */
const RefCode = Type.String({ pattern: '^[a-z2-9]{10}$', description: "the link's referral code (?ref=)" });

export const JoinBody = Type.Object({ ref: Type.Optional(RefCode) }, { additionalProperties: false });
export type JoinBodyType = Static<typeof JoinBody>;

export const JoinAnswer = Type.Object({
  counted: Type.Boolean({ description: "this visit counted as a new friend of the link's owner" }),
  reason: Type.Optional(
    Type.Union(
      joinRefusals.map((r) => Type.Literal(r)),
      { description: 'why it did not count' },
    ),
  ),
});

export const ShareAnswer = Type.Object({
  code: Type.String(),
  url: Type.String({ description: 'the show page with ?ref=code (absolute, from publicUrl)' }),
});

export const ReferralFiguresSchema = Type.Object({
  code: Type.String(),
  viewerId: Type.String(),
  displayName: Type.String(),
  joins: Type.Integer({ description: 'page loads through the link' }),
  newViewers: Type.Integer({ description: "joins that counted as friends new to this merchant (the 'share' coupon's count)" }),
  viewers: Type.Integer({ description: 'distinct named viewers the code brought to the show' }),
  orders: Type.Integer({ description: 'standing orders of those viewers in this show, placed after they came' }),
  revenue: Type.Record(Type.String(), Type.Integer(), { description: 'currency -> minor units' }),
});

export const ShowReferrals = Type.Object({ showId: Type.String(), codes: Type.Array(ReferralFiguresSchema) });
