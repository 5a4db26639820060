package dev.tessera.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A minimal Redis (RESP2) client for loading benchmark data: commands are pipelined, replies read
 * and checked for errors, their contents skipped.
 */
final class RespClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RespClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    /** Sends every command, then reads every reply; fails on the first error reply. */
    void pipeline(List<List<String>> commands) throws IOException {
        for (List<String> command : commands) {
            write(command);
        }
        out.flush();
        for (int i = 0; i < commands.size(); i++) {
            skipReply();
        }
    }

    private void write(List<String> command) throws IOException {
        out.write(("*" + command.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : command) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
    }

    private void skipReply() throws IOException {
        int type = in.read();
        String line = readLine();
        switch (type) {
            case '+', ':' -> {}
            case '-' -> throw new IOException("Redis answered an error: " + line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length >= 0) {
                    in.readNBytes(length + 2);
                }
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                for (int i = 0; i < count; i++) {
                    skipReply();
                }
            }
            default -> throw new IOException("not a RESP reply: " + (char) type + line);
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            line.append((char) c);
        }
        in.read(); // '\n'
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
