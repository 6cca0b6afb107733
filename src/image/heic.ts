/**
 * HEIC and HEIF (an iPhone's default format): decoded by libheif compiled to WebAssembly
 * (libheif-js: no native build; the prebuilt sharp has no HEVC decoder), in a pixel worker. The
 * container's rotation and mirroring (irot, imir) are applied by libheif, as the HEIF standard
 * asks; an EXIF orientation inside a HEIC is not applied on top (libvips and browsers do the same).
 * Colours are converted to sRGB from the photo's ICC profile or nclx box (icc.ts). The pixel limit
 * is checked from the container before any pixel is decoded.
 */
import { createRequire } from 'node:module';
import { GreenroomError } from '../errors.ts';
import { sharedBytes } from '../pixels/transfer.ts';
import { convertToSrgb, iccToSrgb, isSrgb, nclxToSrgb, type ToSrgb } from './icc.ts';

/** The parts of libheif-js used here (its embind classes, and the C API for colour profiles). */
interface HeifHandle {
  $$: { ptr: number };
}
interface HeifImage {
  handle: HeifHandle;
  get_width(): number;
  get_height(): number;
  has_alpha_channel(): boolean;
  is_primary(): boolean;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: { data: Uint8ClampedArray } | null) => void): void;
  free(): void;
}
interface LibHeif {
  ready?: Promise<unknown>;
  HeifDecoder: new () => { decode(bytes: Uint8Array): HeifImage[]; decoder: { delete(): void } };
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _heif_image_handle_get_color_profile_type(handle: number): number;
  _heif_image_handle_get_raw_color_profile_size(handle: number): number;
  _heif_image_handle_get_raw_color_profile(error: number, handle: number, out: number): void;
  _heif_image_handle_get_nclx_color_profile(error: number, handle: number, out: number): void;
  _heif_nclx_color_profile_free(p: number): void;
}

let lib: LibHeif | undefined;

/** libheif, loaded on the first HEIC (its WebAssembly is 1.4 MB). */
async function libheif(): Promise<LibHeif> {
  if (!lib) {
    const require = createRequire(import.meta.url);
    lib = require('libheif-js/wasm-bundle') as LibHeif;
  }
  await lib.ready;
  return lib;
}

export interface DecodedHeic {
  width: number;
  height: number;
  /** Interleaved sRGB, on shared memory. */
  rgb: Uint8Array;
  /** The image's alpha, when it has a channel that is not fully opaque; on shared memory. */
  alpha?: Uint8Array;
  /** Where the colours came from ('Display P3 (ICC)', 'nclx primaries 12, transfer 13', 'sRGB'). */
  colour: string;
}

const fourcc = (s: string) => ((s.charCodeAt(0) << 24) | (s.charCodeAt(1) << 16) | (s.charCodeAt(2) << 8) | s.charCodeAt(3)) >>> 0;

function corrupt(detail: string): GreenroomError {
  return new GreenroomError('CORRUPT_IMAGE', `The HEIC file is damaged or truncated and cannot be decoded (${detail}). Re-export or re-upload the original photo.`, { format: 'heic', decoder: detail });
}

/** The conversion to sRGB the image's colour profile asks for (undefined: sRGB already, or no profile). */
function colourOf(heif: LibHeif, handle: number): ToSrgb | undefined {
  const type = heif._heif_image_handle_get_color_profile_type(handle) >>> 0;
  const error = heif._malloc(16);
  try {
    if (type === fourcc('prof') || type === fourcc('rICC')) {
      const n = heif._heif_image_handle_get_raw_color_profile_size(handle);
      if (n <= 0) return undefined;
      const p = heif._malloc(n);
      try {
        heif._heif_image_handle_get_raw_color_profile(error, handle, p);
        return iccToSrgb(heif.HEAPU8.slice(p, p + n)) ?? undefined;
      } finally {
        heif._free(p);
      }
    }
    if (type === fourcc('nclx')) {
      const out = heif._malloc(4);
      try {
        heif._heif_image_handle_get_nclx_color_profile(error, handle, out);
        const p = heif.HEAP32[out >> 2]!;
        if (heif.HEAP32[error >> 2] !== 0 || !p) return undefined;
        // struct heif_color_profile_nclx { uint8 version; int primaries; int transfer; int matrix; ... }
        const primaries = heif.HEAP32[(p + 4) >> 2]!, transfer = heif.HEAP32[(p + 8) >> 2]!;
        heif._heif_nclx_color_profile_free(p);
        return nclxToSrgb(primaries, transfer) ?? undefined;
      } finally {
        heif._free(out);
      }
    }
    return undefined;
  } finally {
    heif._free(error);
  }
}

/** Decodes the primary image of a HEIC/HEIF file; IMAGE_TOO_LARGE before decoding pixels when it is above `maxPixels`. */
export async function decodeHeic(bytes: Uint8Array, maxPixels: number): Promise<DecodedHeic> {
  const heif = await libheif();
  const decoder = new heif.HeifDecoder();
  let images: HeifImage[];
  try {
    images = decoder.decode(bytes);
  } catch (err) {
    decoder.decoder.delete();
    throw corrupt(err instanceof Error ? err.message : String(err));
  }
  try {
    if (images.length === 0) throw corrupt('no image in the container');
    const image = images.find((i) => i.is_primary()) ?? images[0]!;
    const width = image.get_width(), height = image.get_height();
    if (!(width > 0 && height > 0)) throw corrupt('no dimensions in the container');
    if (width * height > maxPixels) {
      throw new GreenroomError('IMAGE_TOO_LARGE', `The image is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP), above the limit of ${(maxPixels / 1e6).toFixed(1)} MP. Downscale it first, or raise GREENROOM_MAX_PIXELS.`, { width, height, maxPixels });
    }
    const conversion = colourOf(heif, image.handle.$$.ptr);
    const rgba = await new Promise<Uint8ClampedArray>((resolve, reject) => {
      try {
        image.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (result) => (result ? resolve(result.data) : reject(corrupt('the image data cannot be decoded'))));
      } catch (err) {
        reject(corrupt(err instanceof Error ? err.message : String(err)));
      }
    });
    const n = width * height;
    const px = new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength);
    const rgb = sharedBytes(n * 3);
    const convert = conversion && !isSrgb(conversion) ? conversion : undefined;
    if (convert) convertToSrgb(px, 4, n, convert, rgb);
    else for (let i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 3) (rgb[d] = px[s]!), (rgb[d + 1] = px[s + 1]!), (rgb[d + 2] = px[s + 2]!);
    let alpha: Uint8Array | undefined;
    if (image.has_alpha_channel()) {
      alpha = sharedBytes(n);
      let opaque = true;
      for (let i = 0; i < n; i++) if ((alpha[i] = px[i * 4 + 3]!) !== 255) opaque = false;
      if (opaque) alpha = undefined;
    }
    return { width, height, rgb, ...(alpha ? { alpha } : {}), colour: conversion ? conversion.source : 'sRGB' };
  } finally {
    for (const image of images) image.free();
    decoder.decoder.delete();
  }
}
