package dev.vecrnn.cli;

import dev.vecrnn.kernel.Vectorization;

/** The {@code vecrnn} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String cmd = args.length == 0 ? "help" : args[0];
        switch (cmd) {
            case "info" -> info();
            default -> {
                System.err.println("usage: vecrnn info");
                System.exit(2);
            }
        }
    }

    static void info() {
        System.out.println("vecrnn " + version());
        System.out.println("jdk " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        System.out.println("simd " + Vectorization.simdActive());
        System.out.println("kernels " + Vectorization.describe());
        System.out.println("processors " + Runtime.getRuntime().availableProcessors());
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
