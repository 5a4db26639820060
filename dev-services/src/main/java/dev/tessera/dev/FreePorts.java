package dev.tessera.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface. */
public final class FreePorts {

    private FreePorts() {}

    /**
     * A port that was free a moment ago. Another process may take it before the caller binds it; on
     * a dev or CI machine that race is rare enough to accept.
     */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(Loopback.HOST, 0), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** {@code port}, or a free one when it is 0. */
    static int orPick(int port) {
        return port == 0 ? pick() : port;
    }
}
