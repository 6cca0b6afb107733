/**
 * The int8 variant of a float model, prepared offline and deterministically from the model's
 * original weights and a committed calibration file (scripts/calibrate-int8.ts writes it):
 *
 *   fp16 weights ─► fp32, symbolic spatial dims (onnx-proto.ts) ─► identity casts removed,
 *   side outputs pruned (graph-tidy.ts) ─► QDQ with calibrated ranges (quantize.ts)
 *
 * The calibration file holds the ranges (averaged over its samples), the nodes kept in float
 * and how it was made; its sha256 is part of the cached model's key.
 */
import { z } from 'zod';
import { decodeModel, encodeModel, type OnnxModel } from './onnx-graph.ts';
import { pruneToOutputs, removeFloatCasts } from './graph-tidy.ts';
import { prepareModel } from './onnx-proto.ts';
import { quantizeModel, type QuantizeReport } from './quantize.ts';

export const CalibrationSchema = z.object({
  /** sha256 of the original model the ranges were measured on. */
  model: z.string().regex(/^[0-9a-f]{64}$/),
  /** The single graph output kept (the final matte). */
  output: z.string(),
  keepFloat: z.array(z.string()),
  /** How the ranges were made: photos, variants, working size, runtime. */
  method: z.record(z.string(), z.unknown()),
  ranges: z.record(z.string(), z.object({ min: z.number(), max: z.number() })),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

/** The float graph that is calibrated and then quantised: fp32, no identity casts, one output. */
export function floatGraphForQuantization(original: Uint8Array, output: string): OnnxModel {
  const model = decodeModel(prepareModel(original, { symbolicSpatialDims: true, widenFp16: true }));
  pruneToOutputs(model, [output]);
  removeFloatCasts(model);
  return model;
}

/** The QDQ int8 model's bytes, and what was quantised. */
export function prepareInt8Model(original: Uint8Array, calibration: Calibration): { bytes: Buffer; report: QuantizeReport } {
  const model = floatGraphForQuantization(original, calibration.output);
  const report = quantizeModel(model, { ranges: calibration.ranges, keepFloat: calibration.keepFloat });
  model.producerName = 'greenroom';
  model.producerVersion = 'int8-qdq';
  return { bytes: encodeModel(model), report };
}
