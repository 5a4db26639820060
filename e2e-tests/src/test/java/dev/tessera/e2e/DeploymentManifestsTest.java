package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tessera.job.JobLauncher;
import dev.tessera.job.JobOptions;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests agree with {@code features.yaml} and the code: every stream has its
 * topics, every part reads the spec from the ConfigMap and reaches Kafka by the cluster's name, the
 * FlinkDeployment is what the Flink Kubernetes Operator's model reads and starts the job's launcher
 * with options it takes. No Kubernetes runs here, so this is what checks them.
 */
class DeploymentManifestsTest {

    static final Path K8S = PipelineEndToEndTest.ROOT.resolve("k8s");
    static final FeatureSpec SPEC =
            SpecParser.parse(PipelineEndToEndTest.ROOT.resolve("features.yaml"));

    /**
     * Reads manifests into the Flink Kubernetes Operator's model refusing every field the model
     * does not know, as a misspelled one. The model alone would not: each of its spec classes
     * ignores unknown fields ({@code @JsonIgnoreProperties(ignoreUnknown = true)}) and fabric8's
     * classes (the pod template) keep them as additional properties ({@code @JsonAnySetter}).
     */
    static final ObjectMapper STRICT_YAML =
            YAMLMapper.builder()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .annotationIntrospector(new NoUnknownFields())
                    .build();

    /**
     * The job's Flink version, which the model of operator API 1.10.0 (the newest our Maven mirror
     * has) cannot hold: its {@link FlinkVersion} ends at {@code v1_20}. {@link
     * #readFlinkDeployment} leaves this one value out; {@link
     * #theFlinkVersionIsTheImagesWhichTheOperatorModelCannotHoldYet} checks it as text.
     */
    static final String FLINK_VERSION_UNKNOWN_TO_MODEL = "v2_2";

    final List<Map<String, Object>> manifests = load();
    final FlinkDeployment flinkDeployment;

    DeploymentManifestsTest() throws IOException {
        flinkDeployment = readFlinkDeployment(Files.readString(K8S.resolve("flink-job.yaml")));
    }

    @Test
    void theFlinkDeploymentStartsTheLauncherWithOptionsItTakesAndUpgradesThroughSavepoints() {
        JobSpec job = flinkDeployment.getSpec().getJob();
        assertThat(job.getEntryClass()).isEqualTo(JobLauncher.class.getName());
        assertThat(job.getJarURI()).isEqualTo("local:///opt/flink/usrlib/tessera-feature-job.jar");
        assertThat(job.getParallelism()).isPositive();
        // Stable operator uids let a savepoint carry the state over to a job with more features.
        assertThat(job.getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        String[] args = job.getArgs();
        for (int i = 0; i < args.length; i++) {
            assertThat(args[i]).as("argument %d", i).startsWith("--");
            String option = args[i].substring(2);
            if (JobOptions.OPTIONS.contains(option)) {
                assertThat(i + 1).as("the value of %s", args[i]).isLessThan(args.length);
                assertThat(args[++i]).as("the value of --%s", option).doesNotStartWith("--");
            } else {
                assertThat(JobOptions.FLAGS).as("the launcher's options").contains(option);
            }
        }
        assertThat(args).contains("--spec", "--bootstrap-servers", "--registry-url");
    }

    @Test
    void theFlinkVersionIsTheImagesWhichTheOperatorModelCannotHoldYet() throws IOException {
        Matcher image =
                Pattern.compile("(?m)^FROM flink:(\\d+)\\.(\\d+)\\.")
                        .matcher(
                                Files.readString(
                                        PipelineEndToEndTest.ROOT.resolve(
                                                "flink-feature-job/src/main/docker/Dockerfile")));
        assertThat(image.find()).isTrue();
        String version = "v" + image.group(1) + "_" + image.group(2);
        assertThat(map(ofKind("FlinkDeployment").get(0), "spec"))
                .containsEntry("flinkVersion", version);
        // Fails once the model knows the version: then read it strictly like the rest.
        assertThat(version).isEqualTo(FLINK_VERSION_UNKNOWN_TO_MODEL);
        assertThat(FlinkVersion.values())
                .extracting(FlinkVersion::name)
                .doesNotContain(FLINK_VERSION_UNKNOWN_TO_MODEL);
    }

    @ParameterizedTest
    @CsvSource({
        "'  name: tessera-feature-job', '  nmae: tessera-feature-job', nmae",
        "'  serviceAccount: flink', '  serviceAcount: flink', serviceAcount",
        "'  flinkVersion: v2_2', '  flinkVerison: v2_2', flinkVerison",
        "'  flinkVersion: v2_2', '  flinkVersion: v2_20', v2_20",
        "'    resource: {memory: 2048m', '    resource: {memroy: 2048m', memroy",
        "'{name: features, mountPath: /config}', '{name: features, mountpath: /config}', mountpath",
        "'    entryClass: ', '    entryclass: ', entryclass",
        "'    upgradeMode: savepoint', '    upgradeMode: savepiont', savepiont",
    })
    void aMisspelledFieldOrValueOfTheFlinkDeploymentIsRefused(
            String field, String typo, String misspelled) throws IOException {
        String manifest = Files.readString(K8S.resolve("flink-job.yaml"));
        assertThat(manifest).contains(field);

        assertThatThrownBy(() -> readFlinkDeployment(manifest.replace(field, typo)))
                .isInstanceOf(JsonMappingException.class)
                .hasMessageContaining(misspelled);
    }

    /**
     * The FlinkDeployment of {@code manifests}, read by {@link #STRICT_YAML}; a {@code
     * flinkVersion} of {@value #FLINK_VERSION_UNKNOWN_TO_MODEL} is left out, as the model has no
     * value for it.
     */
    static FlinkDeployment readFlinkDeployment(String manifests) throws IOException {
        try (MappingIterator<ObjectNode> documents =
                STRICT_YAML.readerFor(ObjectNode.class).readValues(manifests)) {
            ObjectNode deployment =
                    documents.readAll().stream()
                            .filter(
                                    document ->
                                            document.path("kind")
                                                    .asText()
                                                    .equals("FlinkDeployment"))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no FlinkDeployment"));
            ObjectNode spec = (ObjectNode) deployment.get("spec");
            if (spec.path("flinkVersion").asText().equals(FLINK_VERSION_UNKNOWN_TO_MODEL)) {
                spec.remove("flinkVersion");
            }
            return STRICT_YAML.treeToValue(deployment, FlinkDeployment.class);
        }
    }

    /** Jackson's annotations less those that let unknown fields through. */
    static final class NoUnknownFields extends JacksonAnnotationIntrospector {

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

    @Test
    void everyStreamHasItsTopicLateTopicAndDeadLetterTopicAndTheFeatureTopicExists() {
        List<String> topics = names("KafkaTopic");
        for (Stream stream : SPEC.streams()) {
            assertThat(topics)
                    .contains(stream.topic(), stream.lateTopic(), stream.deadLetterTopic());
        }
        assertThat(topics).contains(SPEC.featureTopic());
    }

    @Test
    void kafkaTakesScramOverTlsOnlyAndEachPartItsOwnUserWithTheAclsOfItsTopics() {
        Map<String, Object> kafka = map(ofKind("Kafka").get(0), "spec");
        assertThat(list(map(kafka, "kafka"), "listeners"))
                .allSatisfy(
                        listener -> {
                            assertThat(listener.get("tls")).isEqualTo(true);
                            assertThat(map(listener, "authentication"))
                                    .containsEntry("type", "scram-sha-512");
                        });
        List<String> events = SPEC.streams().stream().map(Stream::topic).toList();
        List<String> jobWrites = new ArrayList<>(List.of(SPEC.featureTopic()));
        SPEC.streams()
                .forEach(
                        stream -> {
                            jobWrites.add(stream.lateTopic());
                            jobWrites.add(stream.deadLetterTopic());
                        });
        assertThat(topicsAllowed("ingest-gateway", "Write")).containsAll(events);
        assertThat(topicsAllowed("flink-feature-job", "Read")).containsAll(events);
        assertThat(topicsAllowed("flink-feature-job", "Write")).containsAll(jobWrites);
        assertThat(topicsAllowed("feature-writer", "Read")).containsExactly(SPEC.featureTopic());
        assertThat(topicsAllowed("feature-writer", "Write"))
                .containsExactly(SPEC.featureTopic() + ".dlq");

        for (String service : List.of("ingest-gateway", "feature-writer")) {
            Map<String, Map<String, Object>> env =
                    list(
                                    list(
                                                    map(
                                                            map(
                                                                    map(
                                                                            deployment(service),
                                                                            "spec"),
                                                                    "template"),
                                                            "spec"),
                                                    "containers")
                                            .get(0),
                                    "env")
                            .stream()
                            .collect(Collectors.toMap(e -> (String) e.get("name"), e -> e));
            assertThat(env.get("KAFKA_SECURITY_PROTOCOL")).containsEntry("value", "SASL_SSL");
            assertThat(env.get("KAFKA_SASL_JAAS_CONFIG"))
                    .as(service)
                    .containsEntry(
                            "valueFrom",
                            Map.of(
                                    "secretKeyRef",
                                    Map.of("name", service, "key", "sasl.jaas.config")));
        }
        List<String> args = List.of(flinkDeployment.getSpec().getJob().getArgs());
        String properties = args.get(args.indexOf("--kafka-properties") + 1);
        assertThat(properties).isEqualTo("/etc/tessera/kafka/kafka.properties");
        String jobKafka =
                (String)
                        map(
                                        ofKind("ConfigMap").stream()
                                                .filter(m -> name(m).equals("tessera-job-kafka"))
                                                .findFirst()
                                                .orElseThrow(),
                                        "data")
                                .get("kafka.properties");
        assertThat(jobKafka)
                .contains(
                        "security.protocol=SASL_SSL",
                        "sasl.jaas.config=${dir:/etc/tessera/kafka-user:sasl.jaas.config}");
        assertThat(flinkDeployment.getSpec().getPodTemplate().getSpec().getVolumes())
                .filteredOn(volume -> volume.getName().equals("kafka-user"))
                .extracting(volume -> volume.getSecret().getSecretName())
                .containsExactly("flink-feature-job");
    }

    /** The topics a KafkaUser may perform {@code operation} on (literal ACLs). */
    private List<String> topicsAllowed(String user, String operation) {
        Map<String, Object> kafkaUser =
                ofKind("KafkaUser").stream()
                        .filter(u -> name(u).equals(user))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no KafkaUser " + user));
        Map<String, Object> spec = map(kafkaUser, "spec");
        assertThat(map(spec, "authentication")).containsEntry("type", "scram-sha-512");
        List<String> topics = new ArrayList<>();
        for (Map<String, Object> acl : list(map(spec, "authorization"), "acls")) {
            Map<String, Object> resource = map(acl, "resource");
            if ("topic".equals(resource.get("type"))
                    && ((List<?>) acl.get("operations")).contains(operation)) {
                topics.add((String) resource.get("name"));
            }
        }
        return topics;
    }

    /**
     * The registry holds every artifact to BACKWARD unless it has a rule of its own, and keeps its
     * ids across restarts.
     */
    @Test
    void theRegistrySetsAGlobalCompatibilityRuleAndPersistsItsState() {
        Map<String, Object> registry =
                ofKind("StatefulSet").stream()
                        .filter(s -> name(s).equals("apicurio-registry"))
                        .findFirst()
                        .orElseThrow();
        Map<String, Object> pod = map(map(map(registry, "spec"), "template"), "spec");
        List<Map<String, Object>> env = list(list(pod, "containers").get(0), "env");
        assertThat(env)
                .contains(
                        Map.of("name", "APICURIO_RULES_GLOBAL_COMPATIBILITY", "value", "BACKWARD"))
                .contains(
                        Map.of(
                                "name",
                                "APICURIO_DATASOURCE_URL",
                                "value",
                                "jdbc:h2:file:/data/registry"));
        assertThat(list(map(registry, "spec"), "volumeClaimTemplates")).hasSize(1);
    }

    @Test
    void everyPartReadsTheSpecFromTheConfigMapAndReachesKafkaByItsClusterName() {
        String bootstrap = names("Kafka").get(0) + "-kafka-bootstrap:9093";
        for (Map<String, Object> deployment : ofKind("Deployment")) {
            Map<String, Object> pod = map(map(map(deployment, "spec"), "template"), "spec");
            if (name(deployment).equals("apicurio-registry")) {
                continue;
            }
            Map<String, Object> container = list(pod, "containers").get(0);
            // Plain values; secrets come by valueFrom.
            Map<String, String> env =
                    list(container, "env").stream()
                            .filter(e -> e.containsKey("value"))
                            .collect(
                                    Collectors.toMap(
                                            e -> (String) e.get("name"),
                                            e -> (String) e.get("value")));
            assertThat(env)
                    .as(name(deployment))
                    .containsEntry("TESSERA_SPEC_PATH", "/config/features.yaml");
            if (env.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
                assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(bootstrap);
            }
            assertThat(list(pod, "volumes").get(0))
                    .isEqualTo(
                            Map.of(
                                    "name",
                                    "features",
                                    "configMap",
                                    Map.of("name", "tessera-features")));
        }

        List<String> args = List.of(flinkDeployment.getSpec().getJob().getArgs());
        assertThat(args.get(args.indexOf("--spec") + 1)).isEqualTo("/config/features.yaml");
        assertThat(args.get(args.indexOf("--bootstrap-servers") + 1)).isEqualTo(bootstrap);
    }

    @Test
    void probesAndPrometheusUseTheManagementPortWhichNoServiceExposes() {
        for (String service : SERVICES) {
            Map<String, Object> template = map(map(deployment(service), "spec"), "template");
            Map<String, Object> container = list(map(template, "spec"), "containers").get(0);
            int management = containerPort(container, "management");
            assertThat(map(map(container, "livenessProbe"), "httpGet").get("port"))
                    .as(service)
                    .isEqualTo(management);
            assertThat(map(map(container, "readinessProbe"), "httpGet").get("port"))
                    .as(service)
                    .isEqualTo(management);
            assertThat(map(map(template, "metadata"), "annotations"))
                    .as(service)
                    .containsEntry("prometheus.io/port", Integer.toString(management))
                    .containsEntry("prometheus.io/path", "/q/metrics");
            for (Map<String, Object> exposed : ofKind("Service")) {
                if (service.equals(name(exposed))) {
                    assertThat(list(map(exposed, "spec"), "ports"))
                            .extracting(port -> port.get("targetPort"))
                            .as(service)
                            .doesNotContain(management);
                }
            }
        }
    }

    @Test
    void theGatewayAndTheReaderVerifyTokensWithTheKeyOfTheSecret() {
        Map<String, Object> auth =
                map(
                        ofKind("ConfigMap").stream()
                                .filter(m -> name(m).equals("tessera-auth"))
                                .findFirst()
                                .orElseThrow(),
                        "data");
        assertThat(auth)
                .containsKeys(
                        "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                        "MP_JWT_VERIFY_ISSUER",
                        "MP_JWT_VERIFY_AUDIENCES");
        for (String service : List.of("ingest-gateway", "feature-reader")) {
            Map<String, Object> pod =
                    map(map(map(deployment(service), "spec"), "template"), "spec");
            Map<String, Object> container = list(pod, "containers").get(0);
            assertThat(list(container, "envFrom"))
                    .as(service)
                    .contains(Map.of("configMapRef", Map.of("name", "tessera-auth")));
            String volume =
                    list(pod, "volumes").stream()
                            .filter(v -> v.containsKey("secret"))
                            .filter(v -> map(v, "secret").get("secretName").equals("tessera-jwt"))
                            .map(v -> (String) v.get("name"))
                            .findFirst()
                            .orElseThrow();
            String mountPath =
                    list(container, "volumeMounts").stream()
                            .filter(m -> m.get("name").equals(volume))
                            .map(m -> (String) m.get("mountPath"))
                            .findFirst()
                            .orElseThrow();
            assertThat((String) auth.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                    .as(service)
                    .startsWith(mountPath + "/");
        }
    }

    @Test
    void everyServiceHasANetworkPolicyOpeningItsManagementPortToMonitoringOnly() {
        for (String service : SERVICES) {
            Map<String, Object> policy =
                    ofKind("NetworkPolicy").stream()
                            .filter(
                                    p ->
                                            Map.of("app", service)
                                                    .equals(
                                                            map(map(p, "spec"), "podSelector")
                                                                    .get("matchLabels")))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError("no NetworkPolicy of " + service));
            Map<String, Object> spec = map(policy, "spec");
            assertThat(spec.get("policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
            Map<String, Object> container =
                    list(
                                    map(map(map(deployment(service), "spec"), "template"), "spec"),
                                    "containers")
                            .get(0);
            int management = containerPort(container, "management");
            for (Map<String, Object> rule : list(spec, "ingress")) {
                boolean toManagement =
                        list(rule, "ports").stream()
                                .anyMatch(port -> port.get("port").equals(management));
                if (toManagement) {
                    // Never open to all: only monitoring's pods may scrape it.
                    assertThat(rule).as(service).containsKey("from");
                    assertThat(list(rule, "from").toString()).as(service).contains("monitoring");
                }
            }
        }
        // The writer has no public API: no ingress rule without a source.
        Map<String, Object> writer =
                ofKind("NetworkPolicy").stream()
                        .filter(p -> name(p).equals("feature-writer"))
                        .findFirst()
                        .orElseThrow();
        assertThat(list(map(writer, "spec"), "ingress")).allMatch(r -> r.containsKey("from"));
    }

    static final List<String> SERVICES =
            List.of("ingest-gateway", "feature-writer", "feature-reader");

    private Map<String, Object> deployment(String name) {
        return ofKind("Deployment").stream()
                .filter(d -> name(d).equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static int containerPort(Map<String, Object> container, String name) {
        return list(container, "ports").stream()
                .filter(port -> name.equals(port.get("name")))
                .map(port -> (Integer) port.get("containerPort"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no port named " + name));
    }

    @Test
    void theWriterAndReaderReachRedisOverTlsAsTheirAclUserWithThePasswordFromTheSecret() {
        for (Map<String, Object> deployment : ofKind("Deployment")) {
            String service = name(deployment);
            if (!service.equals("feature-writer") && !service.equals("feature-reader")) {
                continue;
            }
            Map<String, Object> container =
                    list(map(map(map(deployment, "spec"), "template"), "spec"), "containers")
                            .get(0);
            Map<String, Map<String, Object>> env =
                    list(container, "env").stream()
                            .collect(Collectors.toMap(e -> (String) e.get("name"), e -> e));
            String user = service.equals("feature-writer") ? "tessera-writer" : "tessera-reader";
            assertThat(env.get("QUARKUS_REDIS_HOSTS").get("value"))
                    .as(service)
                    .isEqualTo("rediss://redis:6379?user=" + user);
            assertThat(env.get("QUARKUS_REDIS_PASSWORD"))
                    .as(service)
                    .doesNotContainKey("value")
                    .extractingByKey("valueFrom")
                    .isEqualTo(
                            Map.of(
                                    "secretKeyRef",
                                    Map.of(
                                            "name",
                                            "redis-credentials",
                                            "key",
                                            user.substring("tessera-".length()) + "-password")));
        }
        Map<String, Object> redis = ofKind("StatefulSet").get(0);
        Map<String, Object> container =
                list(map(map(map(redis, "spec"), "template"), "spec"), "containers").get(0);
        @SuppressWarnings("unchecked")
        List<String> args = (List<String>) container.get("args");
        assertThat(String.join("\n", args))
                .contains("user default off", "--port 0 --tls-port 6379", "--aclfile");
    }

    private List<String> names(String kind) {
        return ofKind(kind).stream().map(DeploymentManifestsTest::name).toList();
    }

    private List<Map<String, Object>> ofKind(String kind) {
        return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
    }

    private static String name(Map<String, Object> manifest) {
        return (String) map(manifest, "metadata").get("name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        return (List<Map<String, Object>>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load() {
        List<Map<String, Object>> manifests = new ArrayList<>();
        try (var files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    for (Object document : new Yaml().loadAll(reader)) {
                        if (document != null) {
                            manifests.add((Map<String, Object>) document);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return manifests;
    }
}
