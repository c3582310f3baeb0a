package dev.vecrnn.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain double-precision forward and backward of SPEC §1, written independently of the fused float
 * code: one sentence at a time, straightforward loops, explicit windows.
 */
final class ElmanReference {
    final int ne, nc, de, cs, nh;
    /** emb wx wh w bh b h0, row-major, in double. */
    final Map<String, double[]> p = new LinkedHashMap<>();
    final Map<String, double[]> g = new LinkedHashMap<>();

    ElmanReference(ElmanConfig c) {
        ne = c.vocabularySize();
        nc = c.numLabels();
        de = c.embeddingDim();
        cs = c.windowSize();
        nh = c.hiddenSize();
        p.put("emb", new double[(ne + 1) * de]);
        p.put("wx", new double[de * cs * nh]);
        p.put("wh", new double[nh * nh]);
        p.put("w", new double[nh * nc]);
        p.put("bh", new double[nh]);
        p.put("b", new double[nc]);
        p.put("h0", new double[nh]);
        for (Map.Entry<String, double[]> e : p.entrySet()) {
            g.put(e.getKey(), new double[e.getValue().length]);
        }
    }

    static ElmanReference of(ElmanTagger m) {
        ElmanReference r = new ElmanReference(m.config());
        for (Parameter q : m.parameters()) {
            float[] v = q.values();
            double[] d = r.p.get(q.name());
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
        }
        return r;
    }

    /** The context window of word t: cs ids, −1 for padding. */
    int[] window(int[] words, int t) {
        int[] win = new int[cs];
        for (int j = 0; j < cs; j++) {
            int pos = t - cs / 2 + j;
            win[j] = pos >= 0 && pos < words.length ? words[pos] : -1;
        }
        return win;
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Hidden states h_0..h_{T−1} of a sentence. */
    double[][] hidden(int[] words) {
        int T = words.length;
        double[] emb = p.get("emb"), wx = p.get("wx"), wh = p.get("wh"), bh = p.get("bh"), h0 = p.get("h0");
        double[][] h = new double[T][nh];
        double[] prev = h0;
        for (int t = 0; t < T; t++) {
            int[] win = window(words, t);
            for (int k = 0; k < nh; k++) {
                double a = bh[k];
                for (int j = 0; j < cs; j++) {
                    int row = win[j] < 0 ? ne : win[j];
                    for (int d = 0; d < de; d++) {
                        a += emb[row * de + d] * wx[(j * de + d) * nh + k];
                    }
                }
                for (int i = 0; i < nh; i++) {
                    a += prev[i] * wh[i * nh + k];
                }
                h[t][k] = sigmoid(a);
            }
            prev = h[t];
        }
        return h;
    }

    double[] softmaxOut(double[] ht) {
        double[] w = p.get("w"), b = p.get("b");
        double[] o = new double[nc];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < nc; c++) {
            double s = b[c];
            for (int k = 0; k < nh; k++) {
                s += ht[k] * w[k * nc + c];
            }
            o[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < nc; c++) {
            o[c] = Math.exp(o[c] - max);
            sum += o[c];
        }
        for (int c = 0; c < nc; c++) {
            o[c] /= sum;
        }
        return o;
    }

    /** Mean NLL of one sentence. */
    double loss(int[] words, int[] labels) {
        double[][] h = hidden(words);
        double l = 0;
        for (int t = 0; t < words.length; t++) {
            l -= Math.log(softmaxOut(h[t])[labels[t]]);
        }
        return l / words.length;
    }

    double loss(int[][] words, int[][] labels) {
        double l = 0;
        for (int s = 0; s < words.length; s++) {
            l += loss(words[s], labels[s]);
        }
        return l;
    }

    /** Gradients of Σ_s loss(s) into g (overwritten); returns the loss. */
    double gradients(int[][] words, int[][] labels) {
        for (double[] a : g.values()) {
            java.util.Arrays.fill(a, 0);
        }
        double l = 0;
        for (int s = 0; s < words.length; s++) {
            l += accumulate(words[s], labels[s]);
        }
        return l;
    }

    private double accumulate(int[] words, int[] labels) {
        int T = words.length;
        double[] emb = p.get("emb"), wx = p.get("wx"), wh = p.get("wh"), w = p.get("w"), h0 = p.get("h0");
        double[] gEmb = g.get("emb"), gWx = g.get("wx"), gWh = g.get("wh"), gW = g.get("w"),
                gBh = g.get("bh"), gB = g.get("b"), gH0 = g.get("h0");
        double[][] h = hidden(words);
        double loss = 0;
        double[] dnext = new double[nh]; // ∂L/∂h_t from step t+1
        for (int t = T - 1; t >= 0; t--) {
            double[] s = softmaxOut(h[t]);
            loss -= Math.log(s[labels[t]]) / T;
            double[] dout = new double[nc];
            for (int c = 0; c < nc; c++) {
                dout[c] = (s[c] - (c == labels[t] ? 1 : 0)) / T;
                gB[c] += dout[c];
                for (int k = 0; k < nh; k++) {
                    gW[k * nc + c] += h[t][k] * dout[c];
                }
            }
            double[] da = new double[nh];
            for (int k = 0; k < nh; k++) {
                double dhk = dnext[k];
                for (int c = 0; c < nc; c++) {
                    dhk += dout[c] * w[k * nc + c];
                }
                da[k] = dhk * h[t][k] * (1 - h[t][k]);
            }
            double[] prev = t > 0 ? h[t - 1] : h0;
            int[] win = window(words, t);
            for (int k = 0; k < nh; k++) {
                gBh[k] += da[k];
                for (int i = 0; i < nh; i++) {
                    gWh[i * nh + k] += prev[i] * da[k];
                }
                for (int j = 0; j < cs; j++) {
                    int row = win[j] < 0 ? ne : win[j];
                    for (int d = 0; d < de; d++) {
                        gWx[(j * de + d) * nh + k] += emb[row * de + d] * da[k];
                        gEmb[row * de + d] += wx[(j * de + d) * nh + k] * da[k];
                    }
                }
            }
            double[] dprev = new double[nh];
            for (int i = 0; i < nh; i++) {
                for (int k = 0; k < nh; k++) {
                    dprev[i] += da[k] * wh[i * nh + k];
                }
            }
            dnext = dprev;
        }
        for (int i = 0; i < nh; i++) {
            gH0[i] += dnext[i];
        }
        return loss;
    }
}
