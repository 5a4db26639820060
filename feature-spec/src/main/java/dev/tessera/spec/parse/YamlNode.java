package dev.tessera.spec.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** A YAML node that remembers its file and line, so every problem can be reported where it is. */
final class YamlNode {

    private final String file;
    private final Node node;

    YamlNode(String file, Node node) {
        this.file = file;
        this.node = node;
    }

    int line() {
        return node.getStartMark().getLine() + 1;
    }

    SpecException error(String problem) {
        return new SpecException(file, line(), problem);
    }

    String scalar(String what) {
        if (!(node instanceof ScalarNode scalar)) {
            throw error(what + " must be a single value");
        }
        String value = scalar.getValue().trim();
        if (value.isEmpty()) {
            throw error(what + " must not be empty");
        }
        return value;
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    /** The values of a sequence of scalars, such as {@code [user_id, product_id]}. */
    List<String> scalars(String what) {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(what + " must be a list, e.g. [a, b]");
        }
        List<String> values = new ArrayList<>();
        for (Node element : sequence.getValue()) {
            values.add(new YamlNode(file, element).scalar("an element of " + what));
        }
        return values;
    }

    /** The entries of a mapping, in order; keys are scalars. */
    Map<String, YamlNode> entries(String what) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(what + " must be a mapping of names to values");
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            YamlNode key = new YamlNode(file, tuple.getKeyNode());
            String name = key.scalar("a key in " + what);
            if (entries.put(name, new YamlNode(file, tuple.getValueNode())) != null) {
                throw key.error("'" + name + "' is declared twice in " + what);
            }
        }
        return entries;
    }

    /**
     * The entries of a mapping whose keys must all be among {@code allowed}: a misspelt key is an
     * error, not silently ignored.
     */
    Map<String, YamlNode> entries(String what, Set<String> allowed) {
        Map<String, YamlNode> entries = entries(what);
        for (String key : entries.keySet()) {
            if (!allowed.contains(key)) {
                throw entries.get(key)
                        .error(
                                "unknown key '"
                                        + key
                                        + "' in "
                                        + what
                                        + " (allowed: "
                                        + String.join(", ", new TreeSet<>(allowed))
                                        + ")");
            }
        }
        return entries;
    }

    /** A required entry of a mapping. */
    static YamlNode required(
            YamlNode parent, Map<String, YamlNode> entries, String key, String what) {
        YamlNode value = entries.get(key);
        if (value == null) {
            throw parent.error(what + " needs '" + key + "'");
        }
        return value;
    }
}
