/**
 * When the context pass runs (context-pass.ts): a decision on a few numbers, so the main thread
 * makes it without loading per-pixel code.
 */

/** What the first matte says about the frame (context-pass.ts frameEvidence measures it). */
export interface FrameEvidence {
  /** Share of the matte's outermost ring (EDGE_RING pixels deep) with alpha at least TOUCH_ALPHA: the subject reaches the frame. */
  touch: number;
  /** Share of the whole matte that is undecided (UNSURE_LO < alpha < UNSURE_HI). */
  unsure: number;
}

/** The context pass runs when the subject touches the frame over at least `minTouch` of its ring and at least `minUnsure` of the matte is undecided. */
export interface ContextTrigger {
  minTouch: number;
  minUnsure: number;
}

export function wantsContextPass(evidence: FrameEvidence, trigger: ContextTrigger): boolean {
  return evidence.touch >= trigger.minTouch && evidence.unsure >= trigger.minUnsure;
}
