// Runs the library off the page's thread, so that typing never waits for
// a check: the page posts {id, name, request} and gets {id, answer} back.

import { Leidraad } from './loader.js';

const ready = Leidraad.load('leidraad.wasm');

self.onmessage = async (event) => {
  const { id, name, request } = event.data;
  let answer;
  try {
    answer = await (await ready).call(name, request);
  } catch (error) {
    answer = { errors: [{ field: '', message: `the library could not be loaded: ${error.message}` }] };
  }
  self.postMessage({ id, answer });
};
