/**
 * Marketplace presets: output size, framing, background, shadow and format that follow each
 * marketplace's published image rules. Sources are cited per preset and in docs/LAYOUT.md;
 * "checked" is when the rule was last read. Explicit spec fields override a preset.
 */
import type { OutputFormat } from '../image/encode.ts';

export interface MarketplacePreset {
  name: string;
  title: string;
  width: number;
  height: number;
  /** Padding ratio on every side: the subject's limiting side fills 1 - 2 x padding of the frame. */
  padding: number;
  /** Background used when the spec gives none; 'white' is pure #ffffff. */
  background: 'white' | null;
  /** Whether the marketplace requires that background (a different one gets a warning). */
  requiresWhite: boolean;
  shadow: 'none' | 'soft';
  format: OutputFormat;
  quality: number;
  /** The rule, in a sentence. */
  rule: string;
  source: string;
  checked: string;
}

export const PRESETS: readonly MarketplacePreset[] = [
  {
    name: 'amazon-main',
    title: 'Amazon main image',
    width: 2000, height: 2000, padding: 0.075,
    background: 'white', requiresWhite: true, shadow: 'none', format: 'jpeg', quality: 92,
    rule: 'Main image on pure white (RGB 255,255,255); the product fills at least 85% of the frame; at least 1000 px on the longest side so zoom works (up to 10,000 px); JPEG preferred; no text, logos or borders.',
    source: 'Amazon Seller Central, "Product image requirements" (sellercentral.amazon.com/help/hub/reference/external/G1881)',
    checked: '2026-11',
  },
  {
    name: 'google-shopping',
    title: 'Google Merchant Center image',
    width: 1500, height: 1500, padding: 0.1,
    background: 'white', requiresWhite: false, shadow: 'none', format: 'jpeg', quality: 92,
    rule: 'The product takes up between 75% and 90% of the image; a white, grey or light background; at least 100 x 100 px (250 x 250 for apparel), 1500 x 1500 recommended; at most 64 MP and 16 MB.',
    source: 'Google Merchant Center Help, "Image link [image_link]" (support.google.com/merchants/answer/6324350)',
    checked: '2026-11',
  },
  {
    name: 'ebay',
    title: 'eBay listing photo',
    width: 1600, height: 1600, padding: 0.05,
    background: 'white', requiresWhite: false, shadow: 'soft', format: 'jpeg', quality: 92,
    rule: 'At least 500 px on the longest side, 1600 px recommended for zoom; no borders, text or watermarks; a plain white or neutral background is recommended.',
    source: 'eBay Help, "Picture policy" and "Adding pictures to your listings" (ebay.com/help/policies/listing-policies/picture-policy)',
    checked: '2026-11',
  },
  {
    name: 'etsy',
    title: 'Etsy listing photo',
    width: 2000, height: 2000, padding: 0.1,
    background: null, requiresWhite: false, shadow: 'soft', format: 'jpeg', quality: 92,
    rule: 'At least 2000 px on the shortest side; thumbnails are cropped to a square, so the subject is centred with room around it; lifestyle backgrounds are welcome.',
    source: 'Etsy Seller Handbook, "The Ultimate Guide to Etsy Listing Photos" (etsy.com/seller-handbook)',
    checked: '2026-11',
  },
  {
    name: 'shopify',
    title: 'Shopify product image',
    width: 2048, height: 2048, padding: 0.1,
    background: 'white', requiresWhite: false, shadow: 'soft', format: 'jpeg', quality: 90,
    rule: 'Square 2048 x 2048 px is the recommended size for product images; keep one aspect ratio across a store.',
    source: 'Shopify Help Center, "Product media: types and specifications" (help.shopify.com/en/manual/products/product-media/product-media-types)',
    checked: '2026-11',
  },
  {
    name: 'instagram-square',
    title: 'Instagram square post',
    width: 1080, height: 1080, padding: 0.12,
    background: null, requiresWhite: false, shadow: 'soft', format: 'jpeg', quality: 90,
    rule: 'Feed posts are 1080 px wide; square 1:1.',
    source: 'Instagram Help Center, "Image resolution of photos you share on Instagram" (help.instagram.com/1631821640426723)',
    checked: '2026-11',
  },
  {
    name: 'instagram-portrait',
    title: 'Instagram portrait post',
    width: 1080, height: 1350, padding: 0.12,
    background: null, requiresWhite: false, shadow: 'soft', format: 'jpeg', quality: 90,
    rule: 'Feed posts are 1080 px wide; portrait up to 4:5 (1080 x 1350).',
    source: 'Instagram Help Center, "Image resolution of photos you share on Instagram" (help.instagram.com/1631821640426723)',
    checked: '2026-11',
  },
];

export const PRESET_NAMES = PRESETS.map((p) => p.name) as [string, ...string[]];

export function getPreset(name: string): MarketplacePreset | undefined {
  return PRESETS.find((p) => p.name === name);
}
