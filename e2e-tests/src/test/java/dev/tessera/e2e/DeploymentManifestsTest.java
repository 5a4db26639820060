package dev.tessera.e2e;

import static dev.tessera.e2e.StrictManifests.FLINK_VERSION_UNKNOWN_TO_MODEL;
import static dev.tessera.e2e.StrictManifests.K8S;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.job.JobLauncher;
import dev.tessera.job.JobOptions;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserSpec;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests agree with {@code features.yaml} and the code: every stream has its
 * topics, every part reads the spec from the ConfigMap and reaches Kafka by the cluster's name, the
 * FlinkDeployment starts the job's launcher with options it takes. The manifests are read by {@link
 * StrictManifests}, so each is also what the model of its kind reads.
 */
class DeploymentManifestsTest {

    static final FeatureSpec SPEC =
            SpecParser.parse(PipelineEndToEndTest.ROOT.resolve("features.yaml"));

    static final List<String> SERVICES =
            List.of("ingest-gateway", "feature-writer", "feature-reader");

    final List<HasMetadata> manifests = StrictManifests.readAll();
    final FlinkDeployment flinkDeployment = all(FlinkDeployment.class).get(0);

    DeploymentManifestsTest() throws IOException {}

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
        assertThat(
                        StrictManifests.documents(Files.readString(K8S.resolve("flink-job.yaml")))
                                .stream()
                                .filter(
                                        document ->
                                                document.path("kind")
                                                        .asText()
                                                        .equals("FlinkDeployment"))
                                .map(document -> document.at("/spec/flinkVersion").asText()))
                .containsExactly(version);
        // Fails once the model knows the version: then read it strictly like the rest.
        assertThat(version).isEqualTo(FLINK_VERSION_UNKNOWN_TO_MODEL);
        assertThat(FlinkVersion.values())
                .extracting(FlinkVersion::name)
                .doesNotContain(FLINK_VERSION_UNKNOWN_TO_MODEL);
    }

    @Test
    void everyStreamHasItsTopicLateTopicAndDeadLetterTopicAndTheFeatureTopicExists() {
        List<String> topics = names(KafkaTopic.class);
        for (Stream stream : SPEC.streams()) {
            assertThat(topics)
                    .contains(stream.topic(), stream.lateTopic(), stream.deadLetterTopic());
        }
        assertThat(topics).contains(SPEC.featureTopic());
    }

    @Test
    void kafkaTakesScramOverTlsOnlyAndEachPartItsOwnUserWithTheAclsOfItsTopics() {
        assertThat(all(Kafka.class).get(0).getSpec().getKafka().getListeners())
                .allSatisfy(
                        listener -> {
                            assertThat(listener.isTls()).isTrue();
                            assertThat(listener.getAuth())
                                    .isInstanceOf(KafkaListenerAuthenticationScramSha512.class);
                        });
        List<String> events = SPEC.streams().stream().map(Stream::topic).toList();
        List<String> jobWrites = new ArrayList<>(List.of(SPEC.featureTopic()));
        SPEC.streams()
                .forEach(
                        stream -> {
                            jobWrites.add(stream.lateTopic());
                            jobWrites.add(stream.deadLetterTopic());
                        });
        assertThat(topicsAllowed("ingest-gateway", AclOperation.WRITE)).containsAll(events);
        assertThat(topicsAllowed("flink-feature-job", AclOperation.READ)).containsAll(events);
        assertThat(topicsAllowed("flink-feature-job", AclOperation.WRITE)).containsAll(jobWrites);
        assertThat(topicsAllowed("feature-writer", AclOperation.READ))
                .containsExactly(SPEC.featureTopic());
        assertThat(topicsAllowed("feature-writer", AclOperation.WRITE))
                .containsExactly(SPEC.featureTopic() + ".dlq");

        for (String service : List.of("ingest-gateway", "feature-writer")) {
            Map<String, EnvVar> env = env(container(deployment(service)));
            assertThat(env.get("KAFKA_SECURITY_PROTOCOL").getValue()).isEqualTo("SASL_SSL");
            assertThat(env.get("KAFKA_SASL_JAAS_CONFIG").getValueFrom().getSecretKeyRef())
                    .as(service)
                    .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                    .containsExactly(service, "sasl.jaas.config");
        }
        List<String> args = List.of(flinkDeployment.getSpec().getJob().getArgs());
        String properties = args.get(args.indexOf("--kafka-properties") + 1);
        assertThat(properties).isEqualTo("/etc/tessera/kafka/kafka.properties");
        assertThat(named(ConfigMap.class, "tessera-job-kafka").getData().get("kafka.properties"))
                .contains(
                        "security.protocol=SASL_SSL",
                        "sasl.jaas.config=${dir:/etc/tessera/kafka-user:sasl.jaas.config}");
        assertThat(flinkDeployment.getSpec().getPodTemplate().getSpec().getVolumes())
                .filteredOn(volume -> volume.getName().equals("kafka-user"))
                .extracting(volume -> volume.getSecret().getSecretName())
                .containsExactly("flink-feature-job");
    }

    /** The topics a KafkaUser may perform {@code operation} on by literal ACLs. */
    private List<String> topicsAllowed(String user, AclOperation operation) {
        KafkaUserSpec spec = named(KafkaUser.class, user).getSpec();
        assertThat(spec.getAuthentication())
                .isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
        List<String> topics = new ArrayList<>();
        for (AclRule acl : ((KafkaUserAuthorizationSimple) spec.getAuthorization()).getAcls()) {
            if (acl.getResource() instanceof AclRuleTopicResource topic
                    && topic.getPatternType() == AclResourcePatternType.LITERAL
                    && acl.getOperations().contains(operation)) {
                topics.add(topic.getName());
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
        StatefulSet registry = named(StatefulSet.class, "apicurio-registry");
        assertThat(values(registry.getSpec().getTemplate().getSpec().getContainers().get(0)))
                .containsEntry("APICURIO_RULES_GLOBAL_COMPATIBILITY", "BACKWARD")
                .containsEntry("APICURIO_DATASOURCE_URL", "jdbc:h2:file:/data/registry");
        assertThat(registry.getSpec().getVolumeClaimTemplates()).hasSize(1);
    }

    @Test
    void everyPartReadsTheSpecFromTheConfigMapAndReachesKafkaByItsClusterName() {
        String bootstrap = names(Kafka.class).get(0) + "-kafka-bootstrap:9093";
        for (Deployment deployment : all(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            // Plain values; secrets come by valueFrom.
            Map<String, String> env = values(container(deployment));
            assertThat(env).as(name).containsEntry("TESSERA_SPEC_PATH", "/config/features.yaml");
            if (env.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
                assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(bootstrap);
            }
            Volume features = pod(deployment).getVolumes().get(0);
            assertThat(features.getName()).as(name).isEqualTo("features");
            assertThat(features.getConfigMap().getName()).as(name).isEqualTo("tessera-features");
        }

        List<String> args = List.of(flinkDeployment.getSpec().getJob().getArgs());
        assertThat(args.get(args.indexOf("--spec") + 1)).isEqualTo("/config/features.yaml");
        assertThat(args.get(args.indexOf("--bootstrap-servers") + 1)).isEqualTo(bootstrap);
    }

    @Test
    void probesAndPrometheusUseTheManagementPortWhichNoServiceExposes() {
        for (String service : SERVICES) {
            PodTemplateSpec template = deployment(service).getSpec().getTemplate();
            Container container = template.getSpec().getContainers().get(0);
            int management = containerPort(container, "management");
            assertThat(container.getLivenessProbe().getHttpGet().getPort().getIntVal())
                    .as(service)
                    .isEqualTo(management);
            assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal())
                    .as(service)
                    .isEqualTo(management);
            assertThat(template.getMetadata().getAnnotations())
                    .as(service)
                    .containsEntry("prometheus.io/port", Integer.toString(management))
                    .containsEntry("prometheus.io/path", "/q/metrics");
            for (Service exposed : all(Service.class)) {
                if (service.equals(exposed.getMetadata().getName())) {
                    assertThat(exposed.getSpec().getPorts())
                            .extracting(port -> port.getTargetPort().getIntVal())
                            .as(service)
                            .doesNotContain(management);
                }
            }
        }
    }

    @Test
    void theGatewayAndTheReaderVerifyTokensWithTheKeyOfTheSecret() {
        Map<String, String> auth = named(ConfigMap.class, "tessera-auth").getData();
        assertThat(auth)
                .containsKeys(
                        "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                        "MP_JWT_VERIFY_ISSUER",
                        "MP_JWT_VERIFY_AUDIENCES");
        for (String service : List.of("ingest-gateway", "feature-reader")) {
            Deployment deployment = deployment(service);
            Container container = container(deployment);
            assertThat(container.getEnvFrom())
                    .as(service)
                    .map(EnvFromSource::getConfigMapRef)
                    .filteredOn(Objects::nonNull)
                    .extracting(ConfigMapEnvSource::getName)
                    .contains("tessera-auth");
            String volume =
                    pod(deployment).getVolumes().stream()
                            .filter(v -> v.getSecret() != null)
                            .filter(v -> v.getSecret().getSecretName().equals("tessera-jwt"))
                            .map(Volume::getName)
                            .findFirst()
                            .orElseThrow();
            String mountPath =
                    container.getVolumeMounts().stream()
                            .filter(m -> m.getName().equals(volume))
                            .map(VolumeMount::getMountPath)
                            .findFirst()
                            .orElseThrow();
            assertThat(auth.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                    .as(service)
                    .startsWith(mountPath + "/");
        }
    }

    @Test
    void everyServiceHasANetworkPolicyOpeningItsManagementPortToMonitoringOnly() {
        for (String service : SERVICES) {
            NetworkPolicySpec policy =
                    all(NetworkPolicy.class).stream()
                            .map(NetworkPolicy::getSpec)
                            .filter(
                                    spec ->
                                            Map.of("app", service)
                                                    .equals(spec.getPodSelector().getMatchLabels()))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError("no NetworkPolicy of " + service));
            assertThat(policy.getPolicyTypes()).containsExactly("Ingress", "Egress");
            Integer management = containerPort(container(deployment(service)), "management");
            for (NetworkPolicyIngressRule rule : policy.getIngress()) {
                boolean toManagement =
                        rule.getPorts().stream()
                                .anyMatch(port -> management.equals(port.getPort().getIntVal()));
                if (toManagement) {
                    // Never open to all: only monitoring's pods may scrape it.
                    assertThat(rule.getFrom())
                            .as(service)
                            .isNotEmpty()
                            .allSatisfy(
                                    peer ->
                                            assertThat(peer.getNamespaceSelector().getMatchLabels())
                                                    .containsEntry(
                                                            "kubernetes.io/metadata.name",
                                                            "monitoring"));
                }
            }
        }
        // The writer has no public API: no ingress rule without a source.
        assertThat(named(NetworkPolicy.class, "feature-writer").getSpec().getIngress())
                .allSatisfy(rule -> assertThat(rule.getFrom()).isNotEmpty());
    }

    @Test
    void theWriterAndReaderReachRedisOverTlsAsTheirAclUserWithThePasswordFromTheSecret() {
        for (String service : List.of("feature-writer", "feature-reader")) {
            Map<String, EnvVar> env = env(container(deployment(service)));
            String user = service.equals("feature-writer") ? "tessera-writer" : "tessera-reader";
            assertThat(env.get("QUARKUS_REDIS_HOSTS").getValue())
                    .as(service)
                    .isEqualTo("rediss://redis:6379?user=" + user);
            EnvVar password = env.get("QUARKUS_REDIS_PASSWORD");
            assertThat(password.getValue()).as(service).isNull();
            assertThat(password.getValueFrom().getSecretKeyRef())
                    .as(service)
                    .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                    .containsExactly(
                            "redis-credentials", user.substring("tessera-".length()) + "-password");
        }
        Container redis =
                named(StatefulSet.class, "redis")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0);
        assertThat(String.join("\n", redis.getArgs()))
                .contains("user default off", "--port 0 --tls-port 6379", "--aclfile");
    }

    @Test
    void theRedisClusterHasSixNodesWithTheirStableNamesAndAJobThatJoinsThem() {
        StatefulSet nodes = named(StatefulSet.class, "redis-cluster");
        assertThat(nodes.getSpec().getReplicas()).isEqualTo(6);
        assertThat(named(Service.class, "redis-cluster").getSpec().getClusterIP())
                .isEqualTo("None");
        Container redis = nodes.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(String.join("\n", redis.getArgs()))
                .contains(
                        "user default off",
                        "--cluster-enabled yes",
                        "--cluster-announce-hostname \"${POD_NAME}.redis-cluster\"",
                        "--appendonly yes");
        Container create =
                named(Job.class, "redis-cluster-create")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0);
        assertThat(String.join("\n", create.getArgs()))
                .contains("--cluster create $nodes --cluster-replicas 1 --cluster-yes");
    }

    private <T extends HasMetadata> List<T> all(Class<T> model) {
        return manifests.stream().filter(model::isInstance).map(model::cast).toList();
    }

    private <T extends HasMetadata> T named(Class<T> model, String name) {
        return all(model).stream()
                .filter(manifest -> manifest.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + model.getSimpleName() + " " + name));
    }

    private List<String> names(Class<? extends HasMetadata> model) {
        return all(model).stream().map(manifest -> manifest.getMetadata().getName()).toList();
    }

    private Deployment deployment(String name) {
        return named(Deployment.class, name);
    }

    private static PodSpec pod(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec();
    }

    private static Container container(Deployment deployment) {
        return pod(deployment).getContainers().get(0);
    }

    /** The container's environment variables by name. */
    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, variable -> variable));
    }

    /** The container's environment variables that have a plain value, by name. */
    private static Map<String, String> values(Container container) {
        return container.getEnv().stream()
                .filter(variable -> variable.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static int containerPort(Container container, String name) {
        return container.getPorts().stream()
                .filter(port -> name.equals(port.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no port named " + name));
    }
}
