/**
 * Splits the Docker API's multiplexed stream (non-TTY attach, exec and logs): frames of an 8-byte
 * header `[stream, 0, 0, 0, size (uint32 BE)]` then `size` bytes. Stream 1 is stdout, 2 stderr.
 */
export interface Demuxed {
  stdout: string;
  stderr: string;
  /** Both streams in the order the frames arrived. */
  combined: string;
}

const HEADER = 8;

export function demux(data: Uint8Array): Demuxed {
  const frames = parseFrames(data);
  // A TTY stream has no headers: all of it is output.
  if (!frames) {
    const text = decode([data]);
    return { stdout: text, stderr: "", combined: text };
  }
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  for (const frame of frames) (frame.stream === 2 ? err : out).push(frame.payload);
  return { stdout: decode(out), stderr: decode(err), combined: decode(frames.map((f) => f.payload)) };
}

interface Frame {
  stream: number;
  payload: Uint8Array;
}

/** null when the bytes are not a multiplexed stream. A truncated last frame (a cut-off read) keeps what arrived. */
function parseFrames(data: Uint8Array): Frame[] | null {
  const frames: Frame[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < HEADER) return frames.length > 0 ? frames : null;
    const stream = data[offset]!;
    if (stream > 2 || data[offset + 1] !== 0 || data[offset + 2] !== 0 || data[offset + 3] !== 0) return null;
    const size = view.getUint32(offset + 4);
    const start = offset + HEADER;
    frames.push({ stream, payload: data.subarray(start, Math.min(start + size, data.length)) });
    offset = start + size;
  }
  return frames;
}

function decode(parts: Uint8Array[]): string {
  return Buffer.concat(parts).toString("utf8");
}
