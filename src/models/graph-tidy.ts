/**
 * Graph tidying before quantisation: drop casts that no longer change a type (after fp16 weights
 * were widened to fp32, every Cast in ISNet converts float to float), and drop every node that
 * does not feed the outputs that are kept (ISNet computes six side outputs; greenroom reads one).
 */
import { DataType, attr, type OnnxModel } from './onnx-graph.ts';

/** Renames every use of tensor `from` (node inputs, graph outputs) to `to`. */
function renameUses(model: OnnxModel, from: string, to: string): void {
  for (const n of model.graph.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
  for (const o of model.graph.outputs) if (o.name === from) o.name = to;
}

/** Removes Cast nodes to float (the graph must be all float already: widenFp16 first). */
export function removeFloatCasts(model: OnnxModel): void {
  const graphOutputs = new Set(model.graph.outputs.map((o) => o.name));
  const graphInputs = new Set(model.graph.inputs.map((i) => i.name));
  const keep = [];
  for (const n of model.graph.nodes) {
    const to = attr(n, 'to');
    if (n.op !== 'Cast' || to?.type !== 'int' || to.i !== DataType.FLOAT) {
      keep.push(n);
      continue;
    }
    const [src, dst] = [n.inputs[0]!, n.outputs[0]!];
    if (graphOutputs.has(dst) && !graphInputs.has(src)) {
      // keep the graph output's name: the producer of src writes dst directly
      for (const m of model.graph.nodes) m.outputs = m.outputs.map((o) => (o === src ? dst : o));
      renameUses(model, src, dst);
    } else {
      renameUses(model, dst, src);
    }
  }
  model.graph.nodes = keep;
}

/** Keeps only the named graph outputs and the nodes and initializers they need. */
export function pruneToOutputs(model: OnnxModel, outputs: string[]): void {
  const missing = outputs.filter((o) => !model.graph.outputs.some((g) => g.name === o));
  if (missing.length) throw new Error(`graph has no output ${missing.join(', ')}`);
  model.graph.outputs = model.graph.outputs.filter((o) => outputs.includes(o.name));
  const producer = new Map<string, number>();
  model.graph.nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));
  const needed = new Set<number>();
  const stack = [...outputs];
  const used = new Set<string>();
  while (stack.length) {
    const t = stack.pop()!;
    if (used.has(t)) continue;
    used.add(t);
    const p = producer.get(t);
    if (p === undefined || needed.has(p)) continue;
    needed.add(p);
    stack.push(...model.graph.nodes[p]!.inputs.filter(Boolean));
  }
  model.graph.nodes = model.graph.nodes.filter((_, i) => needed.has(i));
  model.graph.initializers = model.graph.initializers.filter((t) => used.has(t.name));
}
