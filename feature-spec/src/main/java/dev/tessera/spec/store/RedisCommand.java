package dev.tessera.spec.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One Redis command as data: its name and its arguments as the bytes sent, so a binary argument (a
 * tile) is as safe as a text one. {@link RedisLayout} builds the commands; a client only sends
 * them.
 */
public record RedisCommand(String name, List<byte[]> args) {

    public RedisCommand {
        args = List.copyOf(args);
    }

    /** A command of text arguments, each sent as UTF-8. */
    public static RedisCommand of(String name, String... args) {
        List<byte[]> bytes = new ArrayList<>(args.length);
        for (String arg : args) {
            bytes.add(arg.getBytes(StandardCharsets.UTF_8));
        }
        return new RedisCommand(name, bytes);
    }

    /** Argument {@code i} as UTF-8 text. */
    public String text(int i) {
        return new String(args.get(i), StandardCharsets.UTF_8);
    }

    /** Equal when the name and every argument's bytes are. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof RedisCommand command)
                || !name.equals(command.name)
                || args.size() != command.args.size()) {
            return false;
        }
        for (int i = 0; i < args.size(); i++) {
            if (!Arrays.equals(args.get(i), command.args.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = name.hashCode();
        for (byte[] arg : args) {
            hash = 31 * hash + Arrays.hashCode(arg);
        }
        return hash;
    }

    /** The command as text, every argument read as UTF-8: for messages, not for sending. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name);
        for (int i = 0; i < args.size(); i++) {
            text.append(' ').append(text(i));
        }
        return text.toString();
    }
}
