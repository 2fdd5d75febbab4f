import { escapeHtml } from './html.js';

export interface AdminPageInput {
  assetUrl(file: string): string;
  /** what OBS is told as the Server */
  ingestUrl: string;
  publicUrl: string;
  /** the preview plays the live show's LL-HLS, as the viewer page does */
  lowLatency?: boolean;
}

/** The control panel's shell; /assets/admin.js (an ES module, its panels in admin/) draws each view into <main>. */
export function renderAdminPage(input: AdminPageInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hawker control panel</title>
<link rel="stylesheet" href="${input.assetUrl('hawker.css')}">
</head>
<body class="admin" data-ingest-url="${escapeHtml(input.ingestUrl)}" data-public-url="${escapeHtml(input.publicUrl)}"${input.lowLatency ? ' data-low-latency="1"' : ''}>
<a class="skip" href="#main">Skip to content</a>
<header class="admin-top">
  <strong>Hawker</strong>
  <nav aria-label="Sections" id="nav" hidden><a href="#/">Shows</a><a href="#/orders">Orders</a><a href="#/products">Products</a><a href="#/coupons">Coupons</a><a href="#/storage">Storage</a></nav>
  <button type="button" id="logout" class="secondary small" hidden>Log out</button>
</header>
<main id="main" class="admin-main" tabindex="-1"></main>
<div id="toast" class="toast" role="status" aria-live="polite"></div>
<script src="${input.assetUrl('hls.min.js')}"></script>
<script type="module" src="${input.assetUrl('admin.js')}"></script>
</body>
</html>
`;
}
