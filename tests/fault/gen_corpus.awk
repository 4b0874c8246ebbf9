# gen_corpus.awk - writes N synthetic JSON Lines documents for the crash,
# fault and signal tests (tests/integration/crash_*.sh, signals.sh).
#
#   awk -v n=COUNT -v seed=SEED -v prefix=PREFIX [-v words=W] -f gen_corpus.awk > out.jsonl
#
# Ids are PREFIX-1 .. PREFIX-COUNT. Titles and bodies (W to 3W words, W = 100
# by default: about 1.5 kB) are made of invented words plus, one word in
# twenty, a few real ones ("kazakhstan", "almaty", ...) so that searches
# match. The same seed gives the same file with the same awk; only the count
# and the size matter to the tests.
BEGIN {
  srand(seed);
  if (words == "") words = 100;
  split("ka za kh st an al ma ty as ta na ba ra ko se mi lu pe vo ri", syl, " ");
  split("kazakhstan almaty protest energy election parliament oil pipeline border court", real, " ");
  for (i = 1; i <= n; i++) {
    title = word() " " word() " " real[int(rand() * 10) + 1] " " word();
    len = words + int(rand() * 2 * words);
    body = "";
    for (j = 0; j < len; j++)
      body = body (j ? " " : "") (rand() < 0.05 ? real[int(rand() * 10) + 1] : word());
    printf "{\"id\":\"%s-%d\",\"title\":\"%s\",\"body\":\"%s\",\"date\":\"2022-01-%02d\"}\n",
           prefix, i, title, body, i % 28 + 1;
  }
}

function word(   w, k, m) {
  m = 2 + int(rand() * 3);
  w = "";
  for (k = 0; k < m; k++) w = w syl[int(rand() * 20) + 1];
  return w;
}
