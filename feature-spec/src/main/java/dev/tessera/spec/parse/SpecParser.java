package dev.tessera.spec.parse;

import static dev.tessera.spec.parse.ParseSupport.checkName;

import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates {@code features.yaml}. Every problem is reported as a {@link SpecException}
 * naming the file, the line and what is wrong, so a bad definition stops a service at start-up.
 *
 * <p>Reads the top level and the entities, and hands each other section to its parser ({@link
 * StreamParser}, {@link JoinParser}, {@link FeatureGroupParser}) in that order: a section may refer
 * only to what an earlier one declared.
 */
public final class SpecParser {

    private final String file;

    private SpecParser(String file) {
        this.file = file;
    }

    public static FeatureSpec parse(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return parse(path.toString(), reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature spec " + path, e);
        }
    }

    public static FeatureSpec parse(String fileName, String yaml) {
        return parse(fileName, new StringReader(yaml));
    }

    public static FeatureSpec parse(String fileName, Reader reader) {
        return new SpecParser(fileName).read(reader);
    }

    private FeatureSpec read(Reader reader) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new SpecException(file, line, "not valid YAML: " + e.getProblem());
        }
        if (root == null) {
            throw new SpecException(file, 1, "the file is empty");
        }
        YamlNode top = new YamlNode(file, root);
        Map<String, YamlNode> sections =
                top.entries(
                        "the top level",
                        Set.of("entities", "streams", "joins", "feature_groups", "feature_topic"));
        Map<String, Entity> entities = new LinkedHashMap<>();
        YamlNode.required(top, sections, "entities", "the spec")
                .entries("entities")
                .forEach((name, node) -> entities.put(name, readEntity(name, node)));
        Map<String, Stream> streams =
                new StreamParser(entities)
                        .read(YamlNode.required(top, sections, "streams", "the spec"));
        Map<String, Join> joins =
                sections.containsKey("joins")
                        ? new JoinParser(streams).read(sections.get("joins"))
                        : Map.of();
        Map<String, FeatureGroup> groups =
                new FeatureGroupParser(entities, streams, joins)
                        .read(YamlNode.required(top, sections, "feature_groups", "the spec"));
        String featureTopic =
                sections.containsKey("feature_topic")
                        ? sections.get("feature_topic").scalar("feature_topic")
                        : FeatureSpec.DEFAULT_FEATURE_TOPIC;
        return new FeatureSpec(entities, streams, joins, groups, featureTopic);
    }

    private static Entity readEntity(String name, YamlNode node) {
        checkName(name, node, "entity");
        Map<String, YamlNode> e = node.entries("entity '" + name + "'", Set.of("key"));
        String key = YamlNode.required(node, e, "key", "entity '" + name + "'").scalar("key");
        return new Entity(name, key);
    }
}
