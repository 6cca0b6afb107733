/** greenroom's public library API. */
export { Studio, type StudioOptions } from './studio.ts';
export { GreenroomError, ErrorCodes, isGreenroomError, type ErrorCode } from './errors.ts';
export { loadConfig, type Config } from './config.ts';
export { CutoutOptionsSchema, parseCutoutOptions, type CutoutOptions, type CutoutOptionsInput } from './pipeline/cutout-options.ts';
export type { CutoutResult } from './pipeline/cutout.ts';
export type { StageTiming } from './pipeline/stages.ts';
export type { Box, EncodedImage, OutputFormat } from './image/encode.ts';
export { loadManifest, getModelSpec, QUALITIES, type Quality, type ModelSpec } from './models/manifest.ts';
export type { Segmenter } from './models/segmenter.ts';
export { EditSpecSchema, parseEditSpec, SHADOW_MODES, type EditSpecInput, type EditJob } from './pipeline/spec.ts';
export type { EditResult } from './pipeline/edit.ts';
export { PRESETS, getPreset, type MarketplacePreset } from './compose/presets.ts';
export { TEMPLATES, getTemplate, parsePrompt, renderBackground, type TemplateInfo, type BackgroundSpec, type SceneLight } from './scenes/index.ts';
export { RetouchOptionsSchema, parseRetouchOptions, type RetouchOptions, type RetouchOptionsInput } from './pipeline/retouch-options.ts';
export type { RetouchResult } from './pipeline/retouch.ts';
export type { RetouchReport } from './pipeline/retouch-stage.ts';
