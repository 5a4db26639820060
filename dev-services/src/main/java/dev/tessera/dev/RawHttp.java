package dev.tessera.dev;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 exchange over a plain socket, for requests no HTTP client sends as written: a
 * Content-Length with no body behind it, a request line of any length.
 */
public final class RawHttp {

    /** The status code and the raw header block and body of an answer. */
    public record Answer(int status, String head, String body) {

        /** The value of a header, case-insensitively, or null. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private RawHttp() {}

    /**
     * Sends {@code request} (request line, headers and the blank line, CRLF-separated; any body
     * after it) to {@code 127.0.0.1:port} and reads the answer until the server closes the
     * connection or sends Content-Length bytes of body. The request should ask for {@code
     * Connection: close}.
     */
    public static Answer exchange(int port, String request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Loopback.HOST, port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("HTTP exchange with port " + port + " failed", e);
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int headEnd = -1;
        int contentLength = -1;
        byte[] buffer = new byte[8192];
        while (true) {
            if (headEnd >= 0 && contentLength >= 0 && received.size() >= headEnd + contentLength) {
                break;
            }
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                // A server refusing a request whose body it never reads may reset the
                // connection once its answer is sent.
                if (headEnd >= 0) {
                    break;
                }
                throw e;
            }
            if (n < 0) {
                break;
            }
            received.write(buffer, 0, n);
            if (headEnd < 0) {
                String text = received.toString(StandardCharsets.ISO_8859_1);
                int blank = text.indexOf("\r\n\r\n");
                if (blank >= 0) {
                    headEnd = blank + 4;
                    String length =
                            new Answer(0, text.substring(0, blank), "").header("content-length");
                    contentLength = length == null ? -1 : Integer.parseInt(length);
                }
            }
        }
        String text = received.toString(StandardCharsets.UTF_8);
        if (headEnd < 0) {
            throw new IOException("no complete answer: " + text);
        }
        String head = text.substring(0, headEnd - 4);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        return new Answer(status, head, text.substring(headEnd - 4 + 4));
    }
}
