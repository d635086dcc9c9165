// String normalisation for the reference server's string search (and token :text).
// Independent of lib/search (the harness oracle): never import from there — the two must check each other.
//
// R5 search.html, string: "By default, a field matches a string query if the value of the field equals or starts
// with the supplied parameter value, after both have been normalized by case and accent."
//
// Choices (documented, tested in normalize.test.ts):
// - NFC first (so decomposed input behaves like precomposed), lower-case (Latin and Cyrillic alike: ЎЗБЕК → ўзбек),
//   then NFD and drop combining marks (é → e, ё → е, й → и, ў → у). R5: "This search is insensitive to casing and
//   included combining characters, like accents or other diacritical marks" — Uzbek ў and й decompose to у/и plus a
//   combining breve, so they fold too (the spec has no locale exception).
// - Uzbek Latin apostrophes: the letters oʻ / gʻ are written with U+02BB (ʻ), but people type ʼ ' ` ‘ ’ ´ as well.
//   All of them fold to one form ('), so "Oʻzbekiston", "O'zbekiston", "O‘zbekiston" and "O`zbekiston" are equal.
//   The apostrophe is NOT dropped: "ozbekiston" does not match "Oʻzbekiston" (oʻ is a distinct letter from o).

const APOSTROPHES = /[\u0027\u0060\u00B4\u02B9\u02BB\u02BC\u02BD\u2018\u2019\u201B\u2032]/g;
const MARKS = /\p{M}/gu;

export function normaliseString(s: string): string {
  const lower = s.normalize('NFC').toLowerCase();
  let out = '';
  for (const ch of lower) {
    if (ch.charCodeAt(0) < 0x80) out += ch;
    else out += ch.normalize('NFD').replace(MARKS, '');
  }
  return out.replace(APOSTROPHES, "'");
}
