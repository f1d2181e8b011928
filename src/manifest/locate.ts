import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../errors.ts';

/** A step from a node to a child: a mapping key or a sequence index. */
export type Segment = string | number;

interface Spot {
  key?: SourceLocation;
  value?: SourceLocation;
}

/** Where a field of an object is written; for errors and warnings. */
export interface SourceMap {
  value(path: readonly Segment[]): SourceLocation;
  key(path: readonly Segment[]): SourceLocation;
}

/** Objects that arrive as JSON over the API have no source text: every field is "in the request". */
export class RequestSourceMap implements SourceMap {
  private static readonly SPOT: SourceLocation = { file: 'request', line: 1, col: 1 };
  value(): SourceLocation {
    return RequestSourceMap.SPOT;
  }
  key(): SourceLocation {
    return RequestSourceMap.SPOT;
  }
}

/**
 * Maps field paths of a parsed YAML document to where they are written, so
 * validation can run on plain values and still report file:line:col.
 * Content reached through an alias or a `<<` merge is not indexed: lookups
 * fall back to the nearest indexed ancestor, which is where it was used.
 */
export class Locator implements SourceMap {
  private readonly spots = new Map<string, Spot>();

  constructor(
    private readonly file: string,
    private readonly lineCounter: LineCounter,
    root: Node,
  ) {
    this.index([], root);
  }

  /** Where the value at `path` is written (the key when the value is empty). */
  value(path: readonly Segment[]): SourceLocation {
    const spot = this.nearest(path);
    return spot.value ?? spot.key!;
  }

  /** Where the key naming `path` is written (the value for sequence items). */
  key(path: readonly Segment[]): SourceLocation {
    const spot = this.nearest(path);
    return spot.key ?? spot.value!;
  }

  private nearest(path: readonly Segment[]): Spot {
    for (let n = path.length; ; n--) {
      const spot = this.spots.get(keyOf(path.slice(0, n)));
      if (spot || n === 0) return spot ?? { value: { file: this.file, line: 1, col: 1 } };
    }
  }

  private at(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col };
  }

  private index(path: Segment[], node: Node | null, keyNode?: Node | null): void {
    const spot: Spot = {};
    if (keyNode?.range) spot.key = this.at(keyNode.range[0]);
    // An empty value (`image:`) has an empty range; the key is the better place.
    if (node?.range && node.range[1] > node.range[0]) spot.value = this.at(node.range[0]);
    if (spot.key || spot.value) this.spots.set(keyOf(path), spot);

    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key) || pair.key.value === '<<') continue;
        this.index([...path, String(pair.key.value)], pair.value as Node | null, pair.key);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => this.index([...path, i], item as Node | null));
    }
  }
}

function keyOf(path: readonly Segment[]): string {
  return path.join('\u0000');
}
