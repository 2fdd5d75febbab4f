// The Share button in the show head (issue 16): the viewer's own link to the show (?ref= their
// code) through the Web Share API where the browser has it, else copied; and, while a "share
// with N friends" coupon is in progress, how many friends joined through it. Also the page's
// join on every load: it carries ?ref= from the address, which is then taken out of the address
// bar, so a link this viewer shares onward carries their own code and not the one they came by.
import { $, toast } from '../ui.js';
import { api, currentViewer, ensureName, whenNamed } from './identity.js';

/** @typedef {import('../../wire.js').CouponCentre['coupons'][number]} CentreCoupon */

const showId = document.body.dataset.showId ?? '';
/** what the server makes (src/reach/referrals.ts): anything else is not sent */
const REF = /^[a-z2-9]{10}$/;
/** the viewer's link, once asked for @type {import('../../wire.js').ShareLink | null} */
let link = null;
/**
 * a share coupon is locked and this viewer has a link out (shared from this page, or friends
 * already came): its progress is looked at again now and then. Only the unlock is pushed; a
 * viewer who never shared asks nothing.
 */
let counting = false;

/** @param {string} [ref] */
async function join(ref) {
  try {
    await api('POST', `/api/shows/${showId}/joins`, ref ? { ref } : {});
  } catch {
    // a visit that could not be told changes nothing the viewer sees
  }
}

/** the ?ref= this page was opened with, taken out of the address bar @returns {string | undefined} */
function takeRef() {
  const url = new URL(location.href);
  const ref = url.searchParams.get('ref');
  if (ref === null) return undefined;
  url.searchParams.delete('ref');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return REF.test(ref) ? ref : undefined;
}

/** @param {number} n */
const friends = (n) => `${n} ${n === 1 ? 'friend' : 'friends'} joined through your link`;

/** the line under the title: the share coupon's progress, or that it is theirs */
export async function refreshShare() {
  const line = $('share-progress');
  if (!currentViewer()) return;
  try {
    /** @type {import('../../wire.js').CouponCentre} */
    const centre = await api('GET', `/api/shows/${showId}/coupons`);
    /** @type {CentreCoupon | undefined} */
    const coupon = centre.coupons.find((c) => c.unlock === 'share' && (c.state === 'locked' || c.state === 'available'));
    counting = coupon?.state === 'locked' && (link !== null || (coupon.progress?.have ?? 0) > 0);
    line.hidden = !coupon;
    if (!coupon) return;
    line.dataset.state = coupon.state;
    if (coupon.state === 'available') line.textContent = `Coupon unlocked: ${coupon.code ?? ''}. Thanks for sharing!`;
    else if (coupon.progress && coupon.progress.have > 0) line.textContent = `${friends(coupon.progress.have)} (${coupon.progress.have}/${coupon.progress.need})`;
    else line.textContent = `Share with ${coupon.progress ? coupon.progress.need : ''} friends to unlock a coupon`;
  } catch {
    // the coupon centre answers again at the next look
  }
}

async function share() {
  if (!(await ensureName())) return;
  try {
    link = link ?? /** @type {import('../../wire.js').ShareLink} */ (await api('POST', `/api/shows/${showId}/share`));
  } catch (err) {
    toast(/** @type {Error} */ (err).message, true);
    return;
  }
  const title = $('share').closest('.show-head')?.querySelector('h1')?.textContent ?? document.title;
  const data = { title, text: `Watch "${title}" with me`, url: link.url };
  if (typeof navigator.share === 'function' && (!navigator.canShare || navigator.canShare(data))) {
    try {
      await navigator.share(data);
      void refreshShare();
      return;
    } catch (err) {
      // the viewer closed the share sheet: nothing to copy
      if (/** @type {Error} */ (err).name === 'AbortError') return;
    }
  }
  try {
    await navigator.clipboard.writeText(link.url);
    toast('Link copied');
  } catch {
    // no clipboard (an insecure origin, a refused permission): the link itself, to copy by hand
    toast(link.url);
  }
  void refreshShare();
}

export function initShare() {
  // inside another site's frame the browser keeps no first-party cookie (SameSite=Lax is not
  // sent there): every load would look like a new browser, so a framed page does not join
  const framed = new URL(location.href).searchParams.has('embed');
  const ref = takeRef();
  if (!framed) void join(ref);
  // a viewer who names themselves on this browser: the link that brought it now brought them
  whenNamed(() => {
    if (!framed) void join();
    void refreshShare();
  });
  $('share').addEventListener('click', () => void share());
  void refreshShare();
  setInterval(() => {
    if (counting && document.visibilityState === 'visible') void refreshShare();
  }, 20_000);
}
