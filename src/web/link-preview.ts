import type { LinkPreview } from '../reach/link-previews.js';
import { escapeHtml } from './html.js';

/**
 * The <meta> tags of a link preview (Open Graph, Twitter card), every value escaped. Without a
 * picture the Twitter card is `summary`: a large-image card with no image shows an empty box.
 */
export function linkPreviewTags(p: LinkPreview): string {
  const og = (property: string, content: string) => `<meta property="${property}" content="${escapeHtml(content)}">`;
  const tw = (name: string, content: string) => `<meta name="${name}" content="${escapeHtml(content)}">`;
  return [
    `<meta name="description" content="${escapeHtml(p.description)}">`,
    og('og:type', p.type),
    og('og:title', p.title),
    og('og:description', p.description),
    og('og:url', p.url),
    ...(p.imageUrl ? [og('og:image', p.imageUrl), og('og:image:type', 'image/jpeg'), og('og:image:alt', p.title)] : []),
    tw('twitter:card', p.imageUrl ? 'summary_large_image' : 'summary'),
    tw('twitter:title', p.title),
    tw('twitter:description', p.description),
    ...(p.imageUrl ? [tw('twitter:image', p.imageUrl)] : []),
  ].join('\n');
}
