package dev.tessera.spec.parse;

import static dev.tessera.spec.parse.ParseSupport.positive;

import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a feature's window: {@code tumbling(size)}, {@code sliding(size, slide)}, {@code
 * session(gap)}, {@code rolling(size)}, {@code lifetime} or {@code since(stream)}.
 */
final class WindowParser {

    private static final Pattern CALL = Pattern.compile("([a-z_]+)\\((.*)\\)");
    private static final Set<String> WINDOW_KINDS =
            Set.of("tumbling", "sliding", "session", "rolling", "since");

    private final Map<String, Stream> streams;

    /** {@code streams}: the declared streams, which since(stream) may name. */
    WindowParser(Map<String, Stream> streams) {
        this.streams = streams;
    }

    /** The window of a feature that reads {@code stream}. */
    Window read(YamlNode node, Stream stream) {
        String text = node.scalar("window");
        if (text.trim().equals("lifetime")) {
            return new Window.Lifetime();
        }
        Matcher m = CALL.matcher(text.replace(" ", "").toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw node.error("'" + text + "' is not a window (expected e.g. tumbling(5m))");
        }
        String[] args = m.group(2).split(",");
        String kind = m.group(1);
        int arity = kind.equals("sliding") ? 2 : 1;
        if (!WINDOW_KINDS.contains(kind)) {
            throw node.error(
                    "unknown window kind '"
                            + kind
                            + "' (known: tumbling(size), sliding(size, slide), session(gap),"
                            + " rolling(size), lifetime, since(stream))");
        }
        if (kind.equals("since")) {
            return since(node, args[0], stream);
        }
        if (args.length != arity) {
            throw node.error(
                    kind
                            + " takes "
                            + (arity == 1 ? "one duration" : "two durations")
                            + ", e.g. "
                            + (arity == 1 ? kind + "(5m)" : "sliding(1h, 10m)"));
        }
        Duration size = positive(node, args[0], kind + " size");
        return switch (kind) {
            case "tumbling" -> new Window.Tumbling(size);
            case "session" -> new Window.Session(size);
            case "rolling" -> new Window.Rolling(size);
            default -> {
                Duration slide = positive(node, args[1], "slide");
                if (size.toMillis() % slide.toMillis() != 0) {
                    throw node.error("the size of " + text + " is not a multiple of its slide");
                }
                yield new Window.Sliding(size, slide);
            }
        };
    }

    /** {@code since(stream)}: reset by another declared stream of the same entity. */
    private Window since(YamlNode node, String resetName, Stream stream) {
        if (!streams.containsKey(stream.name())) {
            throw node.error("since(" + resetName + ") needs a group reading a declared stream");
        }
        Stream reset = streams.get(resetName);
        if (reset == null) {
            throw node.error(
                    "since("
                            + resetName
                            + ") names unknown stream '"
                            + resetName
                            + "' (known: "
                            + streams.keySet()
                            + ")");
        }
        if (reset.name().equals(stream.name()) || !reset.entity().equals(stream.entity())) {
            throw node.error(
                    "since("
                            + resetName
                            + ") needs another stream of entity '"
                            + stream.entity().name()
                            + "'");
        }
        return new Window.Since(reset);
    }
}
