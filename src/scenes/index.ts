/**
 * The procedural scene engine: templates, prompt parsing and background rendering for product
 * photos. Pure TypeScript, no I/O; deterministic for a given seed.
 */
export type { Rgb, SceneLight, RenderedBackground, Scene, BackgroundSpec, TemplateInfo, PromptParse } from './types.ts';
export { TEMPLATES, getTemplate } from './templates.ts';
export { parsePrompt } from './prompt.ts';
export { renderBackground } from './render.ts';
