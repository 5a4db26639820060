package dev.tessera.e2e;

import static java.util.stream.Collectors.toMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;

/**
 * Reads the Kubernetes manifests of {@code k8s/}: each document, by its apiVersion and kind, into
 * the model of what applies it (fabric8's Kubernetes model, Strimzi's or the Flink Kubernetes
 * Operator's), refusing every field and value the model does not know, as a misspelled one. No
 * Kubernetes runs here, so this is what checks them.
 *
 * <p>The models alone would let a typo through: the Flink operator's spec classes ignore unknown
 * fields ({@code @JsonIgnoreProperties(ignoreUnknown = true)}); fabric8's and Strimzi's classes
 * keep them as additional properties ({@code @JsonAnySetter}); Strimzi's enums ({@code
 * AclOperation}, {@code ProcessRoles}, ...) turn a value they do not know into null.
 */
final class StrictManifests {

    static final Path K8S = PipelineEndToEndTest.ROOT.resolve("k8s");

    /** Prometheus's and Grafana's files, no Kubernetes manifests: ObservabilityConfigTest's. */
    static final Path OBSERVABILITY = K8S.resolve("observability");

    /** The model of each kind that {@code k8s/} holds; a manifest of another kind is refused. */
    static final List<Class<? extends HasMetadata>> MODELS =
            List.of(
                    ConfigMap.class,
                    Service.class,
                    Deployment.class,
                    StatefulSet.class,
                    Job.class,
                    NetworkPolicy.class,
                    Kafka.class,
                    KafkaNodePool.class,
                    KafkaTopic.class,
                    KafkaUser.class,
                    FlinkDeployment.class);

    private static final Map<String, Class<? extends HasMetadata>> MODEL_OF_TYPE =
            MODELS.stream().collect(toMap(StrictManifests::type, Function.identity()));

    /**
     * The job's Flink version, which the model of operator API 1.10.0 (the newest our Maven mirror
     * has) cannot hold: its {@link FlinkVersion} ends at {@code v1_20}. {@link #read(String,
     * ObjectNode)} leaves this one value out; DeploymentManifestsTest checks it as text.
     */
    static final String FLINK_VERSION_UNKNOWN_TO_MODEL = "v2_2";

    /**
     * YAML into the models as strictly as the API server's field validation reads a manifest: no
     * unknown field (see {@link NoUnknownFields}) nor one that the model names only to drop it
     * (CustomResource's plural, crdName, ...), no unknown enum value (see {@link
     * NoUnknownEnumValues}), no key twice in a mapping, and no scalar taken for another type
     * ({@code replicas: "2"}, {@code value: 8080}).
     */
    static final ObjectMapper STRICT_YAML =
            YAMLMapper.builder()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
                    // Else Strimzi's getAdditionalProperties() and its field would take a field
                    // named additionalProperties.
                    .disable(MapperFeature.INFER_PROPERTY_MUTATORS)
                    .disable(MapperFeature.USE_GETTERS_AS_SETTERS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                    // Which leaves numbers and booleans taken for text.
                    .withCoercionConfig(
                            LogicalType.Textual,
                            text ->
                                    text.setCoercion(
                                                    CoercionInputShape.Integer, CoercionAction.Fail)
                                            .setCoercion(
                                                    CoercionInputShape.Float, CoercionAction.Fail)
                                            .setCoercion(
                                                    CoercionInputShape.Boolean,
                                                    CoercionAction.Fail))
                    .annotationIntrospector(new NoUnknownFields())
                    .addModule(
                            new SimpleModule("no-unknown-enum-values")
                                    .setDeserializerModifier(new NoUnknownEnumValues()))
                    .build();

    private StrictManifests() {}

    /** Every manifest of {@link #files()}, in order. */
    static List<HasMetadata> readAll() throws IOException {
        List<HasMetadata> manifests = new ArrayList<>();
        for (Path file : files()) {
            manifests.addAll(read(file));
        }
        return manifests;
    }

    /**
     * Every file under {@code k8s/} but its README and {@link #OBSERVABILITY}, in order: each holds
     * manifests, whatever its name ends with.
     */
    static List<Path> files() throws IOException {
        try (var paths = Files.walk(K8S)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> !path.equals(K8S.resolve("README.md")))
                    .filter(path -> !path.startsWith(OBSERVABILITY))
                    .sorted()
                    .toList();
        }
    }

    static List<HasMetadata> read(Path file) throws IOException {
        return read(K8S.relativize(file).toString(), Files.readString(file));
    }

    /**
     * The documents of {@code yaml}, each read into the model of its kind.
     *
     * @throws IllegalArgumentException naming {@code source} (and the document and its kind) if the
     *     YAML does not parse (a key twice in a mapping), or a document is of a kind without a
     *     model here or does not fit its model
     */
    static List<HasMetadata> read(String source, String yaml) throws IOException {
        List<ObjectNode> documents;
        try {
            documents = documents(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        List<HasMetadata> manifests = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            manifests.add(read(source + ", document " + (i + 1), documents.get(i)));
        }
        return manifests;
    }

    /** The documents of {@code yaml} as trees, nothing checked but the YAML. */
    static List<ObjectNode> documents(String yaml) throws IOException {
        try (var documents = STRICT_YAML.readerFor(ObjectNode.class).<ObjectNode>readValues(yaml)) {
            return documents.readAll();
        }
    }

    private static HasMetadata read(String where, ObjectNode document) {
        String type = document.path("apiVersion").asText() + " " + document.path("kind").asText();
        String name = document.at("/metadata/name").asText();
        String described = where + " (" + (type + " " + name).strip() + ")";
        Class<? extends HasMetadata> model = MODEL_OF_TYPE.get(type);
        if (model == null) {
            throw new IllegalArgumentException(
                    described
                            + ": no model of this kind; known are "
                            + new TreeSet<>(MODEL_OF_TYPE.keySet())
                            + ". A new kind needs its model in StrictManifests.MODELS.");
        }
        ObjectNode readable = document.deepCopy();
        if (model == FlinkDeployment.class
                && readable.path("spec")
                        .path("flinkVersion")
                        .asText()
                        .equals(FLINK_VERSION_UNKNOWN_TO_MODEL)) {
            ((ObjectNode) readable.get("spec")).remove("flinkVersion");
        }
        try {
            return STRICT_YAML.treeToValue(readable, model);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(described + ": " + e.getMessage(), e);
        }
    }

    /** "apiVersion kind" of a model, as its annotations say ({@code apps/v1 Deployment}). */
    private static String type(Class<? extends HasMetadata> model) {
        return HasMetadata.getApiVersion(model) + " " + HasMetadata.getKind(model);
    }

    /** Jackson's annotations less those that let unknown fields through. */
    private static final class NoUnknownFields extends JacksonAnnotationIntrospector {

        private static final long serialVersionUID = 1L;

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(
                MapperConfig<?> config, Annotated annotated) {
            return super.findPropertyIgnoralByName(config, annotated).withoutIgnoreUnknown();
        }

        @Override
        public Boolean hasAnySetter(Annotated annotated) {
            return false;
        }
    }

    /** Refuses an enum value that the enum's own factory turns into null, as Strimzi's do. */
    private static final class NoUnknownEnumValues extends BeanDeserializerModifier {

        private static final long serialVersionUID = 1L;

        @Override
        public JsonDeserializer<?> modifyEnumDeserializer(
                DeserializationConfig config,
                JavaType type,
                BeanDescription description,
                JsonDeserializer<?> deserializer) {
            return new KnownValuesOnly(deserializer);
        }
    }

    private static final class KnownValuesOnly extends DelegatingDeserializer {

        private static final long serialVersionUID = 1L;

        KnownValuesOnly(JsonDeserializer<?> enumDeserializer) {
            super(enumDeserializer);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> enumDeserializer) {
            return new KnownValuesOnly(enumDeserializer);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context)
                throws IOException {
            String value = parser.getText();
            Object constant = super.deserialize(parser, context);
            if (constant == null) {
                throw InvalidFormatException.from(
                        parser,
                        "Unknown value \"" + value + "\" of " + handledType().getName(),
                        value,
                        handledType());
            }
            return constant;
        }
    }
}
