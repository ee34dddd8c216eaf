// The hand-written loader of leidraad.wasm: no wasm-bindgen, no glue
// generated at build time. The module exports `memory`, `alloc`, `free`
// and four functions (`check`, `eval`, `inputs`, `flowchart`) that each
// take a JSON request (address and length in the module's memory) and
// return a JSON answer as one u64: its address in the high 32 bits and
// its length in the low 32 (src/playground/abi.rs).

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class Leidraad {
  constructor(module, instance) {
    this.module = module;
    this.instance = instance;
  }

  static async load(url) {
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error(`could not load ${url}: ${response.status}`);
    }
    const module = await WebAssembly.compile(await response.arrayBuffer());
    const instance = await WebAssembly.instantiate(module, {});
    return new Leidraad(module, instance);
  }

  // Calls one export with a request given as JSON text; returns the parsed
  // answer. A trap (a bug in the library) is reported as an error answer,
  // and the instance is replaced, since its memory may be inconsistent.
  async call(name, requestText) {
    try {
      return this.callOnce(name, requestText);
    } catch (error) {
      this.instance = await WebAssembly.instantiate(this.module, {});
      return {
        errors: [{ field: '', message: `internal error in ${name}: ${error.message}` }],
      };
    }
  }

  callOnce(name, requestText) {
    const exports = this.instance.exports;
    const bytes = encoder.encode(requestText);
    const ptr = exports.alloc(bytes.length);
    if (ptr === 0 && bytes.length > 0) {
      throw new Error('out of memory');
    }
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    let packed;
    try {
      packed = exports[name](ptr, bytes.length);
    } finally {
      exports.free(ptr, bytes.length);
    }
    const address = Number(packed >> 32n);
    const length = Number(packed & 0xffffffffn);
    // Copy out before freeing: `memory.buffer` may be replaced by a grow.
    const text = decoder.decode(
      new Uint8Array(exports.memory.buffer, address, length).slice(),
    );
    exports.free(address, length);
    return JSON.parse(text);
  }
}
