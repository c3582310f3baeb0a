package dev.vecrnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkEvalTest {

    /*
     * Columns: word, gold, guess. Sentences separated by blank lines. Chunks worked out by hand
     * with conlleval's rules (a chunk starts at B-x, at I-x after O or after another type; it ends
     * at O, at B-, at a type change, and at the sentence end).
     */
    private static final String TRICKY = """
            w1 O      O
            w2 I-LOC  B-LOC
            w3 I-LOC  I-LOC

            v  I-LOC  I-LOC

            a  B-PER  B-PER
            b  I-PER  I-ORG
            c  I-ORG  I-ORG
            d  O      O

            x  O      O
            y  O      I-PER

            z  O      O

            p  B-LOC  B-LOC
            q  B-LOC  I-LOC
            r  I-LOC  I-LOC

            m  PER    PER
            n  O      B-PER

            s  B-ORG  B-ORG
            t  I-PER  I-PER
            u  O      O
            """;
    /*
     * S1 (w1..w3): I- without B-. gold LOC[w2..w3] (I after O starts a chunk, the sentence end closes it);
     *     guess LOC[w2..w3]. gold 1, guessed 1, correct 1. Tokens 3, correct tags 2 (w2: I-LOC vs B-LOC).
     * S2 (v): starts with I-LOC right after S1 ended with I-LOC: the boundary splits them, so this is a new
     *     chunk LOC[v] in both. gold 1, guessed 1, correct 1. Tokens 1, correct 1.
     * S3 (a..d): type changes. gold PER[a..b], ORG[c]; guess PER[a], ORG[b..c]. Neither matches
     *     (PER ends at different tokens, ORG starts at different tokens). gold 2, guessed 2, correct 0.
     *     Tokens 4, correct 3 (b wrong).
     * S4 (x, y): all-O gold, a spurious I-PER guess. gold 0, guessed 1, correct 0. Tokens 2, correct 1.
     * S5 (z): all O on both sides. Nothing. Tokens 1, correct 1.
     * S6 (p..r): B-LOC B-LOC I-LOC vs B-LOC I-LOC I-LOC. gold LOC[p], LOC[q..r]; guess LOC[p..r].
     *     At q gold's chunk ends (B after B), the guess's does not: not correct; q..r starts at q in
     *     gold only. gold 2, guessed 1, correct 0. Tokens 3, correct 2 (q wrong).
     * S7 (m, n): a bare label "PER" is tag PER with empty type, as in conlleval, and starts no chunk
     *     after O (same empty type). gold: none; guess: PER[n] from B-PER. gold 0, guessed 1,
     *     correct 0. Tokens 2, correct 1 (m: PER = PER; n wrong).
     * S8 (s..u): B-ORG then I-PER: the type change starts PER[t]. gold ORG[s], PER[t]; guess the same.
     *     gold 2, guessed 2, correct 2. Tokens 3, correct 3.
     *
     * Totals: gold 1+1+2+0+0+2+0+2 = 8; guessed 1+1+2+1+0+1+1+2 = 9; correct 1+1+0+0+0+0+0+2 = 4.
     * P = 4/9 = 44.444...%, R = 4/8 = 50%, F1 = 2·4/(9+8) = 8/17 = 47.0588...
     * Tokens 3+1+4+2+1+3+2+3 = 19, correct tags 2+1+3+1+1+2+1+3 = 14: accuracy 14/19 = 73.684...%.
     * Per type: LOC gold 1+1+2 = 4, guessed 1+1+1 = 3, correct 2;
     *           PER gold 1+1 = 2, guessed 1(S3)+1(S4)+1(S7)+1(S8) = 4, correct 1;
     *           ORG gold 1+1 = 2, guessed 1+1 = 2, correct 1.
     * (The same file through conlleval.pl gives: processed 19 tokens with 8 phrases; found: 9
     * phrases; correct: 4; accuracy 73.68%; precision 44.44%; recall 50.00%; FB1 47.06.)
     */
    @Test
    void trickyCasesMatchHandWorkedFigures() {
        List<String[]> gold = new ArrayList<>();
        List<String[]> guess = new ArrayList<>();
        parse(TRICKY, gold, guess);
        assertEquals(8, gold.size());
        ChunkEval.Result r = ChunkEval.evaluate(gold, guess);
        assertEquals(19, r.tokens());
        assertEquals(14, r.correctTokens());
        assertEquals(8, r.goldChunks());
        assertEquals(9, r.guessedChunks());
        assertEquals(4, r.correctChunks());
        assertEquals(400.0 / 9, r.precision(), 1e-9);
        assertEquals(50.0, r.recall(), 1e-9);
        assertEquals(800.0 / 17, r.f1(), 1e-9);
        assertEquals(1400.0 / 19, r.accuracy(), 1e-9);
        assertEquals(new ChunkEval.TypeCounts(4, 3, 2), r.types().get("LOC"));
        assertEquals(new ChunkEval.TypeCounts(2, 4, 1), r.types().get("PER"));
        assertEquals(new ChunkEval.TypeCounts(2, 2, 1), r.types().get("ORG"));
        assertEquals(List.of("LOC", "ORG", "PER"), List.copyOf(r.types().keySet()));
        assertEquals(100.0 * 2 / 3, r.types().get("LOC").precision(), 1e-9);
        assertEquals(50.0, r.types().get("LOC").recall(), 1e-9);
    }

    @Test
    void idPathEqualsStringPath() {
        List<String[]> gold = new ArrayList<>();
        List<String[]> guess = new ArrayList<>();
        parse(TRICKY, gold, guess);
        List<String> names = List.of("O", "B-LOC", "I-LOC", "B-PER", "I-PER", "B-ORG", "I-ORG", "PER");
        ChunkEval e = new ChunkEval(names);
        for (int s = 0; s < gold.size(); s++) {
            int n = gold.get(s).length;
            int[] g = new int[n + 2];
            int[] p = new int[n + 5];
            for (int t = 0; t < n; t++) {
                g[t] = names.indexOf(gold.get(s)[t]);
                p[t] = names.indexOf(guess.get(s)[t]);
            }
            e.add(g, p, n);
        }
        assertEquals(ChunkEval.evaluate(gold, guess), e.result());
        e.reset();
        assertEquals(0, e.result().tokens());
    }

    @Test
    void perfectAndEmpty() {
        String[] s = {"B-X", "I-X", "O", "B-Y"};
        ChunkEval.Result r = ChunkEval.evaluate(List.<String[]>of(s), List.<String[]>of(s));
        assertEquals(100.0, r.f1(), 0);
        assertEquals(100.0, r.accuracy(), 0);
        assertEquals(2, r.goldChunks());
        ChunkEval.Result none = ChunkEval.evaluate(List.<String[]>of(new String[] {"O"}), List.<String[]>of(new String[] {"O"}));
        assertEquals(0.0, none.f1(), 0); // conlleval prints 0.00 when there are no chunks at all
        assertEquals(0.0, none.precision(), 0);
        assertEquals(100.0, none.accuracy(), 0);
    }

    @Test
    void hyphenatedTypesSplitAtTheFirstHyphen() {
        // conlleval's /^([^-]*)-(.*)$/: "B-a-b" is tag B, type "a-b"
        String[] gold = {"B-a-b", "I-a-b", "I-a"};
        String[] guess = {"B-a-b", "I-a-b", "B-a"};
        ChunkEval.Result r = ChunkEval.evaluate(List.<String[]>of(gold), List.<String[]>of(guess));
        // gold: a-b[0..1], a[2] (type change); guess: a-b[0..1], a[2]: all correct
        assertEquals(2, r.goldChunks());
        assertEquals(2, r.correctChunks());
        assertEquals(2, r.correctTokens()); // token 2: I-a vs B-a
    }

    private static void parse(String text, List<String[]> gold, List<String[]> guess) {
        List<String> g = new ArrayList<>();
        List<String> p = new ArrayList<>();
        for (String line : (text + "\n").split("\n", -1)) {
            String[] f = line.trim().split("\\s+");
            if (line.isBlank()) {
                if (!g.isEmpty()) {
                    gold.add(g.toArray(String[]::new));
                    guess.add(p.toArray(String[]::new));
                    g.clear();
                    p.clear();
                }
                continue;
            }
            g.add(f[1]);
            p.add(f[2]);
        }
    }
}
