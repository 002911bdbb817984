/**
 * Build plugin: fontkit decodes Brotli's 120 KB static dictionary when it loads (~20 ms of every
 * fresh process that makes a PDF), for WOFF2 fonts, which Closeout never reads (its fonts are
 * TrueType). This rewrites that one statement of fontkit's ES build so the dictionary is decoded
 * at its first use instead; WOFF2 still works. The build fails if fontkit no longer has the
 * statement (an upgrade changed it): look again rather than ship it silently eager.
 */
const FILE = /@pdf-lib[\\/]fontkit[\\/]dist[\\/]fontkit\.es\.js$/;
const EAGER = 'dictionary.init(BrotliDecompressBuffer);\nvar decode = {';
const LAZY = `Object.defineProperty(dictionary, 'dictionary', {
  configurable: true,
  get: function () {
    var words = dictionaryDataCompressed.init(BrotliDecompressBuffer);
    Object.defineProperty(dictionary, 'dictionary', { value: words });
    return words;
  }
});
var decode = {`;

export function lazyBrotliDictionary() {
  return {
    name: 'closeout:lazy-brotli-dictionary',
    transform(code, id) {
      if (!FILE.test(id)) return null;
      const at = code.indexOf(EAGER);
      if (at < 0 || code.indexOf(EAGER, at + 1) >= 0) {
        throw new Error('lazy-brotli-dictionary: fontkit no longer decodes the Brotli dictionary as expected; check electron/tools/lazy-brotli-dictionary.mjs against the new fontkit.');
      }
      return { code: code.slice(0, at) + LAZY + code.slice(at + EAGER.length), map: null };
    },
  };
}
