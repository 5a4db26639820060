package dev.tessera.dev;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on the loopback interface. */
public final class FreePorts {

    /**
     * Below Linux's ephemeral range (32768-60999 by default): the kernel gives ports of that range
     * to outgoing connections, so a port picked there could be taken by one of the pipeline's own
     * clients before the service that was to listen on it starts (a clean run lost a reader so).
     */
    private static final int FIRST = 20_000;

    private static final int LAST = 32_000;

    /** Handed out by this JVM: never twice, though each is free again once picked. */
    private static final Set<Integer> PICKED = new HashSet<>();

    private FreePorts() {}

    /**
     * A port that was free a moment ago, and not handed out before by this JVM. Another process may
     * still take it before the caller binds it; on a dev or CI machine that race is rare.
     */
    public static synchronized int pick() {
        int span = LAST - FIRST;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = FIRST + (start + i) % span;
            if (!PICKED.contains(port) && free(port)) {
                PICKED.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port in " + FIRST + "-" + LAST);
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(Loopback.HOST, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code port}, or a free one when it is 0. */
    static int orPick(int port) {
        return port == 0 ? pick() : port;
    }
}
