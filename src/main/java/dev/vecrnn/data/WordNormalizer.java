package dev.vecrnn.data;

import java.util.Locale;

/**
 * Word preprocessing applied before vocabulary look-up, as in the RNNSLU tutorial's ATIS pipeline:
 * optional lower-casing (Locale.ROOT) and optional digit folding, each digit (any Unicode decimal
 * digit) replaced by the five letters {@code DIGIT}, so "Flight123" becomes "flightDIGITDIGITDIGIT"
 * with both on. Case is folded first, so the inserted {@code DIGIT} stays upper-case.
 *
 * @param foldCase   lower-case every word
 * @param foldDigits replace each digit by {@code DIGIT}
 */
public record WordNormalizer(boolean foldCase, boolean foldDigits) {
    /** What each digit becomes when digits are folded. */
    public static final String DIGIT = "DIGIT";
    /** Words are used as they are. */
    public static final WordNormalizer NONE = new WordNormalizer(false, false);
    /** Lower-case and fold digits. */
    public static final WordNormalizer CASE_AND_DIGITS = new WordNormalizer(true, true);

    /** The normalised form of a word. */
    public String normalize(String word) {
        String w = foldCase ? word.toLowerCase(Locale.ROOT) : word;
        if (!foldDigits) {
            return w;
        }
        int n = w.length();
        int i = 0;
        while (i < n && !Character.isDigit(w.codePointAt(i))) {
            i += Character.charCount(w.codePointAt(i));
        }
        if (i == n) {
            return w;
        }
        StringBuilder sb = new StringBuilder(n + 16).append(w, 0, i);
        while (i < n) {
            int cp = w.codePointAt(i);
            if (Character.isDigit(cp)) {
                sb.append(DIGIT);
            } else {
                sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return sb.toString();
    }
}
