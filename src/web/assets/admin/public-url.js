// The address viewers and OBS are sent to (HAWKER_PUBLIC_URL, `publicUrl` in the config file)
// is drawn into the QR code, the watch and embed links and the RTMP server URL. Unset, it is
// http://localhost:8080: everything works on the merchant's own machine and nowhere else, so
// the panel says so on every view until it is set.
import { el } from '../ui.js';

/** true when a URL names this machine itself (localhost, 127.0.0.0/8, ::1, 0.0.0.0) @param {string} url */
export function isLocalOnly(url) {
  let host;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return true; // nothing a phone could open either
  }
  return host === '' || host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === '0.0.0.0' || host === '::';
}

/**
 * The warning to show, or null when viewers can reach the addresses the panel hands out.
 * @param {string} publicUrl @param {string} ingestUrl
 */
export function publicUrlWarning(publicUrl, ingestUrl) {
  if (!isLocalOnly(publicUrl)) return null;
  return el('div', { class: 'warning-banner', id: 'public-url-warning', role: 'status' },
    el('strong', { text: 'Viewers cannot reach this server yet. ' }),
    `The public URL is ${publicUrl || 'not set'}, so the QR code, the watch and embed links${isLocalOnly(ingestUrl.replace(/^rtmps?:/, 'http:')) ? ' and the RTMP server URL for OBS' : ''} point at this machine only. `,
    'Set ', el('code', { text: 'HAWKER_PUBLIC_URL' }), ' (or ', el('code', { text: 'publicUrl' }), ' in the config file) to the address your viewers use, such as https://live.example.com, and restart Hawker.');
}
