package dev.vecrnn.data;

import dev.vecrnn.util.SeededRandom;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A built-in, seeded, ATIS-like slot-filling corpus in BIO format, for the demo and for tests:
 * flight queries such as "show me flights from new york to denver on monday morning" with labels
 * {@code O O O O B-fromloc.city_name I-fromloc.city_name O B-toloc.city_name O
 * B-depart_date.day_name B-depart_time.period_of_day}.
 *
 * <p>The sentences come from about twenty templates with optional and alternative parts, filled
 * from word lists (forty cities, some of several words, airlines, days, months, times, fares,
 * flight numbers). The labels follow the ATIS conventions of the RNNSLU tutorial. It is learnable
 * but not trivial: a city's label depends on its left context ("from", "to", "leaving", "arriving
 * in", "via", "in"), "to" is also an ordinary word ("i want to fly to boston"), "may" is a month
 * or a verb, "first" a class or an ordinal, "before 5 pm" is a departure or an arrival time by
 * what came earlier; numbers (flight numbers, times, dates, fares) are mostly seen once, so
 * folding digits matters; rare cities and airlines are {@code <UNK>}; and
 * {@value #INCONSISTENT_PER_MILLE} per mille of the chunks with a near neighbour carry it instead,
 * like annotators' disagreements in real data, so F1 stays below 100.
 *
 * <p>The same seed and sizes give the same corpus on every JVM (SplitMix64 stream). The train, dev
 * and test sets are drawn from independent streams of the seed, so growing one does not change
 * the others. Each token's line is its line in the CoNLL file {@link #write} produces.
 */
public final class SyntheticSlots {
    /** Default seed of {@link #generate()}. */
    public static final long DEFAULT_SEED = 2013;
    /** Default sizes: 2,000 training, 300 dev and 300 test sentences. */
    public static final int DEFAULT_TRAIN = 2000, DEFAULT_DEV = 300, DEFAULT_TEST = 300;

    /** A train / dev / test split. */
    public record Split(TaggedCorpus train, TaggedCorpus dev, TaggedCorpus test) {
        /**
         * This split without the dev and test sentences that have a label the training set never
         * has (only small training sets miss a rare label), lines renumbered as in a written file.
         */
        public Split withoutUnseenLabels() {
            java.util.Set<String> known = new java.util.HashSet<>();
            for (TaggedSentence s : train) {
                known.addAll(List.of(s.labels()));
            }
            return new Split(train, keep(dev, known), keep(test, known));
        }

        private static TaggedCorpus keep(TaggedCorpus c, java.util.Set<String> known) {
            List<TaggedSentence> kept = new ArrayList<>();
            int line = 1;
            for (TaggedSentence s : c) {
                if (known.containsAll(List.of(s.labels()))) {
                    int[] lines = new int[s.length()];
                    for (int t = 0; t < lines.length; t++) {
                        lines[t] = line++;
                    }
                    line++;
                    kept.add(new TaggedSentence(s.words(), s.labels(), lines));
                }
            }
            return new TaggedCorpus(c.source(), kept);
        }
    }

    private SyntheticSlots() {}

    /** The default corpus: seed {@value #DEFAULT_SEED}, 2,000 / 300 / 300 sentences. */
    public static Split generate() {
        return generate(DEFAULT_SEED, DEFAULT_TRAIN, DEFAULT_DEV, DEFAULT_TEST);
    }

    /** A corpus of the given sizes (each ≥ 1) for a seed. */
    public static Split generate(long seed, int train, int dev, int test) {
        return new Split(sentences("synthetic-train.conll", seed, 1, train),
                sentences("synthetic-dev.conll", seed, 2, dev),
                sentences("synthetic-test.conll", seed, 3, test));
    }

    /** {@code n} sentences from stream {@code stream} of the seed. */
    static TaggedCorpus sentences(String name, long seed, int stream, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(name + ": need at least one sentence, got " + n);
        }
        SeededRandom rng = new SeededRandom(seed * 0x9E3779B97F4A7C15L + stream);
        List<TaggedSentence> out = new ArrayList<>(n);
        List<String> words = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int line = 1;
        for (int s = 0; s < n; s++) {
            words.clear();
            labels.clear();
            Node template = TEMPLATES[rng.nextInt(TEMPLATES.length)];
            template.emit(rng, words, labels);
            int[] lines = new int[words.size()];
            for (int t = 0; t < lines.length; t++) {
                lines[t] = line++;
            }
            line++; // the blank line after the sentence
            out.add(new TaggedSentence(words.toArray(String[]::new), labels.toArray(String[]::new), lines));
        }
        return new TaggedCorpus(name, out);
    }

    /** The corpus in CoNLL format: "word label" per line, a blank line after each sentence. */
    public static String toConll(TaggedCorpus corpus) {
        StringBuilder sb = new StringBuilder();
        for (TaggedSentence s : corpus) {
            for (int t = 0; t < s.length(); t++) {
                sb.append(s.words()[t]).append(' ').append(s.labels()[t]).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes {@code train.conll}, {@code dev.conll} and {@code test.conll} into {@code dir}
     * (created when missing) and returns their paths.
     */
    public static List<Path> write(Split split, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> paths = new ArrayList<>();
        for (Map.Entry<String, TaggedCorpus> e : List.of(Map.entry("train.conll", split.train()),
                Map.entry("dev.conll", split.dev()), Map.entry("test.conll", split.test()))) {
            Path p = dir.resolve(e.getKey());
            try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
                w.write(toConll(e.getValue()));
            }
            paths.add(p);
        }
        return paths;
    }

    // ------------------------------------------------------------------ word lists

    private static final String[] CITIES = {"boston", "denver", "atlanta", "dallas", "pittsburgh", "baltimore",
        "philadelphia", "san francisco", "new york", "los angeles", "salt lake city", "washington", "seattle",
        "chicago", "miami", "houston", "phoenix", "detroit", "st. louis", "las vegas", "kansas city", "oakland",
        "orlando", "memphis", "milwaukee", "charlotte", "cleveland", "nashville", "tampa", "toronto", "montreal",
        "minneapolis", "indianapolis", "columbus", "san diego", "san jose", "fort worth", "long beach", "newark",
        "cincinnati", "new orleans", "san antonio", "el paso", "fort lauderdale", "st. petersburg", "jersey city",
        "grand rapids", "des moines", "sioux falls", "colorado springs", "oklahoma city", "little rock",
        "santa barbara", "palm springs", "ontario", "burbank", "westchester county", "buffalo", "albany", "tucson",
        "portland", "sacramento", "honolulu", "anchorage", "raleigh", "richmond", "omaha", "boise", "spokane",
        "reno", "louisville", "hartford", "providence", "norfolk", "savannah", "san juan", "lake tahoe",
        "green bay"};
    private static final String[] AIRLINES = {"united", "american", "delta", "continental", "us air", "northwest",
        "american airlines", "united airlines", "alaska airlines", "southwest", "twa", "lufthansa", "air canada",
        "midwest express", "tower air", "canadian airlines", "america west", "british airways", "nationair"};
    private static final String[] DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday"};
    private static final String[] PERIODS = {"morning", "afternoon", "evening", "night"};
    private static final String[] MONTHS = {"january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december"};
    private static final String[] ORDINALS = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh",
        "eighth", "ninth", "tenth", "eleventh", "twelfth", "fifteenth", "twentieth", "twenty first",
        "twenty second", "thirtieth"};
    private static final String[] CLASSES = {"first class", "business class", "coach", "economy", "business"};
    private static final String[] COST = {"cheapest", "lowest", "least expensive", "most expensive"};
    private static final String[] MEALS = {"breakfast", "lunch", "dinner", "a meal", "snacks"};
    private static final String[] TIME_RELATIVE = {"before", "after", "around", "by"};
    private static final String[] FILLERS = {"please", "okay", "hi", "um", "now", "again", "also", "well", "yes",
        "hello", "uh", "so", "actually", "thanks", "thank you", "today", "quickly", "then", "oh", "alright"};
    private static final String[] FLIGHT_MOD = {"earliest", "latest", "last", "first"};

    // ------------------------------------------------------------------ templates

    private static final Node[] TEMPLATES = parseAll(
            "[please] (show me|list|give me|find|what are) [all] [the] flights from {from} to {to}"
                    + " [on {day}] [in the {period}]",
            "(i want|i would like|i need) [a] {class} ticket to {to} (leaving|departing) [on] {month} {dnum}",
            "(i want|i would like|i need) to fly from {from} to {to} [on {airline}]"
                    + " [(leaving|departing) {dtrel} {dtime}]",
            "(what is|show me|what's) the {cost} fare from {from} to {to} [on {airline}]",
            "(show me|list|are there) {airline} flights (from {from} to {to}|to {to} from {from}|between {from} and {to})",
            "(what time does|when does) {airline} flight {fnum} (arrive in {to}|leave {from}|depart from {from})",
            "(i need|show me|list) flights (arriving in|arriving at|that arrive in|into) {to} {atrel} {atime}"
                    + " [from {from}]",
            "(list|show me|i need) flights (leaving|departing|out of) {from} {dtrel} {dtime}"
                    + " [and arriving in {to} {atrel} {atime}]",
            "{from} to {to} [on] {day} [{period}]",
            "[i want] {rt} fares from {from} to {to} (under|less than|for less than) {fare}",
            "(are there|are there any) flights from {from} to {to} (with a stop in|with a stopover in|via|through)"
                    + " {stop}",
            "(what ground transportation is available in|is there ground transportation in|how do i get downtown in)"
                    + " {city}",
            "(i want|i would like|i'd like) to (go|travel) to {to} [from {from}] [on {day}] [and return on {rday}]",
            "which airlines (fly|have flights) from {from} to {to} [on {day}]",
            "(does|do) {airline} (have|serve) {meal} on (the|their) flight from {from} to {to}",
            "may i (have|see) [the] flights from {from} to {to} on may {dnum}",
            "what (is|are) the {fmod} (flight|flights) from {from} to {to} [on {day}] [{period}]",
            "(show me|list) the flights on {month} {dnum} from {from} to {to} [{dtrel} {dtime}]",
            "flight {fnum} from {from} to {to} (please|today|tomorrow|on {day})",
            "(i would like|i need) the (first|last) flight (to {to} from {from}|from {from} to {to}) on {day}",
            "how much is a {class} ticket from {from} to {to} [{rt}]",
            "which flights (arrive in|get into|land in) {to} from {from} [on {day}] {atrel} {atime}",
            "which flights (leave|depart from|go out of) {from} for {to} [on {day}] {dtrel} {dtime}",
            "(show me|list) flights from {from} to {to} [on {airline}] (that arrive|arriving) {atrel} {atime}",
            "(show me|list) flights from {from} to {to} [on {airline}] (that leave|leaving) {dtrel} {dtime}",
            "i (would like|need) to go from {from} to {to} and (come back|return) to {to} on {rday}",
            "(how long is the flight|what is the flying time) from {from} to {to}");

    /** An O word or two from a skewed list (the rare ones are {@code <UNK>} in training). */
    private record Filler() implements Node {
        public void emit(SeededRandom rng, List<String> w, List<String> l) {
            for (String f : skewed(rng, FILLERS).split(" ")) {
                w.add(f);
                l.add("O");
            }
        }
    }

    private static Node[] parseAll(String... sources) {
        Node[] nodes = new Node[sources.length];
        for (int i = 0; i < sources.length; i++) {
            Parser p = new Parser(sources[i]);
            // an optional filler word before and after every template
            nodes[i] = new Seq(List.of(new Optional(new Filler()), p.sequence(), new Optional(new Filler())));
            if (p.pos != sources[i].length()) {
                throw new IllegalStateException("template " + i + ": unexpected '" + sources[i].charAt(p.pos)
                        + "' at " + p.pos);
            }
        }
        return nodes;
    }

    /** Fills slot {@code name}. */
    private static void slot(String name, SeededRandom rng, List<String> w, List<String> l) {
        int start = l.size();
        fill(name, rng, w, l);
        String confused = CONFUSABLE.get(l.get(start).substring(2));
        if (confused != null && rng.nextInt(1000) < INCONSISTENT_PER_MILLE) {
            for (int t = start; t < l.size(); t++) {
                l.set(t, l.get(t).substring(0, 2) + confused);
            }
        }
    }

    /**
     * Per mille of the chunks whose type has a near neighbour that are labelled with it instead, as
     * annotators of real data disagree (ATIS labels the same city city_name in one query and
     * toloc.city_name in a similar one); no tagger can get these right, so F1 stays below 100.
     */
    public static final int INCONSISTENT_PER_MILLE = 25;

    private static final Map<String, String> CONFUSABLE = Map.ofEntries(
            Map.entry("toloc.city_name", "city_name"),
            Map.entry("fromloc.city_name", "city_name"),
            Map.entry("city_name", "toloc.city_name"),
            Map.entry("stoploc.city_name", "toloc.city_name"),
            Map.entry("depart_time.time", "arrive_time.time"),
            Map.entry("arrive_time.time", "depart_time.time"),
            Map.entry("depart_time.time_relative", "arrive_time.time_relative"),
            Map.entry("arrive_time.time_relative", "depart_time.time_relative"),
            Map.entry("depart_date.day_name", "return_date.day_name"),
            Map.entry("return_date.day_name", "depart_date.day_name"),
            Map.entry("cost_relative", "fare_amount"));

    private static void fill(String name, SeededRandom rng, List<String> w, List<String> l) {
        switch (name) {
            case "from" -> phrase(skewed(rng, CITIES), "fromloc.city_name", w, l);
            case "to" -> phrase(skewed(rng, CITIES), "toloc.city_name", w, l);
            case "stop" -> phrase(skewed(rng, CITIES), "stoploc.city_name", w, l);
            case "city" -> phrase(skewed(rng, CITIES), "city_name", w, l);
            case "airline" -> phrase(skewed(rng, AIRLINES), "airline_name", w, l);
            case "day" -> phrase(pick(rng, DAYS), "depart_date.day_name", w, l);
            case "rday" -> phrase(pick(rng, DAYS), "return_date.day_name", w, l);
            case "period" -> phrase(pick(rng, PERIODS), "depart_time.period_of_day", w, l);
            case "month" -> phrase(pick(rng, MONTHS), "depart_date.month_name", w, l);
            case "dnum" -> phrase(rng.nextInt(3) == 0 ? pick(rng, ORDINALS) : Integer.toString(1 + rng.nextInt(31)),
                    "depart_date.day_number", w, l);
            case "class" -> phrase(pick(rng, CLASSES), "class_type", w, l);
            case "cost" -> phrase(pick(rng, COST), "cost_relative", w, l);
            case "meal" -> phrase(pick(rng, MEALS), "meal_description", w, l);
            case "fmod" -> phrase(pick(rng, FLIGHT_MOD), "flight_mod", w, l);
            case "fnum" -> phrase(Integer.toString(rng.nextInt(4) == 0 ? 10 + rng.nextInt(90) : 100 + rng.nextInt(9900)),
                    "flight_number", w, l);
            case "fare" -> phrase((rng.nextInt(3) == 0 ? "$" : "") + (50 + 10 * rng.nextInt(95))
                    + (rng.nextBoolean() ? " dollars" : ""), "fare_amount", w, l);
            case "rt" -> phrase(rng.nextInt(4) == 0 ? "one way" : "round trip", "round_trip", w, l);
            case "dtrel" -> phrase(pick(rng, TIME_RELATIVE), "depart_time.time_relative", w, l);
            case "atrel" -> phrase(pick(rng, TIME_RELATIVE), "arrive_time.time_relative", w, l);
            case "dtime" -> phrase(clock(rng), "depart_time.time", w, l);
            case "atime" -> phrase(clock(rng), "arrive_time.time", w, l);
            default -> throw new IllegalStateException("unknown slot {" + name + "}");
        }
    }

    /** "5 pm", "530 pm", "10 o'clock", "noon". */
    private static String clock(SeededRandom rng) {
        int h = 1 + rng.nextInt(12);
        return switch (rng.nextInt(5)) {
            case 0 -> h + " am";
            case 1, 2 -> h + " pm";
            case 3 -> h + "" + (10 + 5 * rng.nextInt(10)) + (rng.nextBoolean() ? " am" : " pm");
            default -> rng.nextBoolean() ? "noon" : h + " o'clock";
        };
    }

    /**
     * A word from a list with falling frequency (index ~ n·u³): the first ones are common, the last
     * ones rare enough to be seen once or never in training, so they become {@code <UNK>} and
     * only their context tells what they are.
     */
    private static String skewed(SeededRandom rng, String[] a) {
        double u = (rng.nextLong() >>> 11) * 0x1.0p-53;
        return a[(int) (a.length * u * u * u)];
    }

    private static String pick(SeededRandom rng, String[] a) {
        return a[rng.nextInt(a.length)];
    }

    /** The words of {@code text} as one chunk of {@code type}: B- then I-. */
    private static void phrase(String text, String type, List<String> w, List<String> l) {
        String[] parts = text.split(" ");
        for (int i = 0; i < parts.length; i++) {
            w.add(parts[i]);
            l.add((i == 0 ? "B-" : "I-") + type);
        }
    }

    /**
     * A template: words (label O), {@code {slot}}, {@code [optional part]} (taken with probability
     * 1/2) and {@code (choice|choice|...)}.
     */
    private interface Node {
        void emit(SeededRandom rng, List<String> w, List<String> l);
    }

    private record Word(String word) implements Node {
        public void emit(SeededRandom rng, List<String> w, List<String> l) {
            w.add(word);
            l.add("O");
        }
    }

    private record Slot(String name) implements Node {
        public void emit(SeededRandom rng, List<String> w, List<String> l) {
            slot(name, rng, w, l);
        }
    }

    private record Seq(List<Node> items) implements Node {
        public void emit(SeededRandom rng, List<String> w, List<String> l) {
            for (Node n : items) {
                n.emit(rng, w, l);
            }
        }
    }

    private record Optional(Node body) implements Node {
        public void emit(SeededRandom rng, List<String> w, List<String> l) {
            if (rng.nextInt(2) == 0) {
                body.emit(rng, w, l);
            }
        }
    }

    private record Choice(List<Node> options) implements Node {
        public void emit(SeededRandom rng, List<String> w, List<String> l) {
            options.get(rng.nextInt(options.size())).emit(rng, w, l);
        }
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        /** Items up to ')', ']', '|' or the end. */
        Node sequence() {
            List<Node> items = new ArrayList<>();
            while (true) {
                while (pos < s.length() && s.charAt(pos) == ' ') {
                    pos++;
                }
                if (pos >= s.length() || ")]|".indexOf(s.charAt(pos)) >= 0) {
                    return new Seq(items);
                }
                char c = s.charAt(pos);
                if (c == '[') {
                    pos++;
                    Node body = sequence();
                    expect(']');
                    items.add(new Optional(body));
                } else if (c == '(') {
                    pos++;
                    List<Node> options = new ArrayList<>();
                    options.add(sequence());
                    while (pos < s.length() && s.charAt(pos) == '|') {
                        pos++;
                        options.add(sequence());
                    }
                    expect(')');
                    items.add(new Choice(options));
                } else if (c == '{') {
                    int end = s.indexOf('}', pos);
                    items.add(new Slot(s.substring(pos + 1, end)));
                    pos = end + 1;
                } else {
                    int start = pos;
                    while (pos < s.length() && " ()[]{|}".indexOf(s.charAt(pos)) < 0) {
                        pos++;
                    }
                    items.add(new Word(s.substring(start, pos)));
                }
            }
        }

        void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw new IllegalStateException("template '" + s + "': expected '" + c + "' at " + pos);
            }
            pos++;
        }
    }
}
