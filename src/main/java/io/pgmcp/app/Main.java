package io.pgmcp.app;

/** Entry point. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("pg-mcp " + Runtime.version());
    }
}
