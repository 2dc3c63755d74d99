/** Types for heic-decode 2.x, which ships none (only what heic-decode-child.js uses). */
declare module 'heic-decode' {
  interface DecodedImage {
    width: number;
    height: number;
    /** RGBA, width × height × 4. */
    data: Uint8ClampedArray;
  }

  interface LazyImage {
    width: number;
    height: number;
    decode(): Promise<DecodedImage>;
  }

  interface HeicDecode {
    (input: { buffer: Uint8Array }): Promise<DecodedImage>;
    /** Every top-level image, measured but not decoded yet; dispose() frees libheif's memory. */
    all(input: { buffer: Uint8Array }): Promise<LazyImage[] & { dispose(): void }>;
  }

  const decode: HeicDecode;
  export default decode;
}
