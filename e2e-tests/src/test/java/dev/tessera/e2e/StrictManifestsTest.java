package dev.tessera.e2e;

import static dev.tessera.e2e.StrictManifests.K8S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every manifest of {@code k8s/} is read into the model of its kind, and a misspelled field or
 * value of any kind, at any depth, fails the build naming the word; so do a scalar of the wrong
 * type, a field the model drops, a key given twice and a document of a kind without a model.
 */
class StrictManifestsTest {

    @Test
    void everyDocumentOfEveryManifestFileIsReadIntoTheModelOfItsKind() throws IOException {
        List<Path> files = StrictManifests.files();
        assertThat(files).contains(K8S.resolve("services.yaml"), K8S.resolve("kafka.yaml"));
        Set<Class<?>> modelsRead = new HashSet<>();
        for (Path file : files) {
            List<HasMetadata> manifests = StrictManifests.read(file);
            assertThat(manifests)
                    .as(file.toString())
                    .isNotEmpty()
                    .hasSameSizeAs(StrictManifests.documents(Files.readString(file)));
            manifests.forEach(manifest -> modelsRead.add(manifest.getClass()));
        }
        // No model is kept for a kind that k8s/ no longer holds.
        assertThat(modelsRead).containsExactlyInAnyOrderElementsOf(StrictManifests.MODELS);
    }

    /**
     * {@code line}, the start of a line of {@code file}, becomes {@code misspelled}: reading the
     * file fails on a document of {@code kind}, naming {@code word} (as a whole word: {@code
     * replica}, not {@code replicas}).
     */
    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource({
        // FlinkDeployment: the operator's spec classes, fabric8's pod template, operator enums.
        "flink-job.yaml, '  name: tessera-feature-job', '  nmae: tessera-feature-job', FlinkDeployment, nmae",
        "flink-job.yaml, '  serviceAccount: flink', '  serviceAcount: flink', FlinkDeployment, serviceAcount",
        "flink-job.yaml, '  flinkVersion: v2_2', '  flinkVerison: v2_2', FlinkDeployment, flinkVerison",
        "flink-job.yaml, '  flinkVersion: v2_2', '  flinkVersion: v2_20', FlinkDeployment, v2_20",
        "flink-job.yaml, '    resource: {memory: 2048m', '    resource: {memroy: 2048m', FlinkDeployment, memroy",
        "flink-job.yaml, '            - {name: features, mountPath: /config}', '            - {name: features, mountpath: /config}', FlinkDeployment, mountpath",
        "flink-job.yaml, '    entryClass: ', '    entryclass: ', FlinkDeployment, entryclass",
        "flink-job.yaml, '    upgradeMode: savepoint', '    upgradeMode: savepiont', FlinkDeployment, savepiont",
        // ConfigMap
        "flink-job.yaml, 'data:', 'datta:', ConfigMap, datta",
        "services.yaml, '  name: tessera-auth', '  nmae: tessera-auth', ConfigMap, nmae",
        // Deployment
        "services.yaml, '  replicas: 2', '  replica: 2', Deployment, replica",
        "services.yaml, '      annotations:', '      anotations:', Deployment, anotations",
        "services.yaml, '          livenessProbe:', '          livenesProbe:', Deployment, livenesProbe",
        "services.yaml, '            httpGet: {path: /q/health/live, port: 9080}', '            httpGet: {path: /q/health/live, prot: 9080}', Deployment, prot",
        "services.yaml, '              valueFrom: {secretKeyRef: {name: ingest-gateway,', '              valueFrom: {secretKeyref: {name: ingest-gateway,', Deployment, secretKeyref",
        "services.yaml, '          envFrom: [{configMapRef:', '          envFrom: [{configMapref:', Deployment, configMapref",
        "services.yaml, '          secret: {secretName: tessera-jwt}', '          secret: {secretname: tessera-jwt}', Deployment, secretname",
        // A scalar of the wrong type, which the API server refuses.
        "services.yaml, '  replicas: 2', '  replicas: \"2\"', Deployment, '\"2\"'",
        "services.yaml, '        prometheus.io/port: \"9080\"', '        prometheus.io/port: 9080', Deployment, 9080",
        // Service
        "services.yaml, '  selector: {app: ingest-gateway}', '  selecter: {app: ingest-gateway}', Service, selecter",
        "registry.yaml, '  ports: [{port: 8080, targetPort: 8080}]', '  ports: [{port: 8080, targetport: 8080}]', Service, targetport",
        "registry.yaml, '  ports: [{port: 8080, targetPort: 8080}]', '  ports: [{port: 8080, targetPort: 8080, additionalProperties: {}}]', Service, additionalProperties",
        // StatefulSet
        "redis.yaml, '  serviceName: redis', '  servicename: redis', StatefulSet, servicename",
        "redis.yaml, '          emptyDir: {medium: Memory}', '          emptyDir: {meduim: Memory}', StatefulSet, meduim",
        "redis.yaml, '        resources: {requests:', '        resources: {request:', StatefulSet, request",
        "registry.yaml, '  volumeClaimTemplates:', '  volumeClaimTemplate:', StatefulSet, volumeClaimTemplate",
        // NetworkPolicy
        "network-policies.yaml, '  policyTypes:', '  policyType:', NetworkPolicy, policyType",
        "network-policies.yaml, '        - namespaceSelector:', '        - namespaceSelecter:', NetworkPolicy, namespaceSelecter",
        "network-policies.yaml, '            matchLabels: {k8s-app: kube-dns}', '            matchLabel: {k8s-app: kube-dns}', NetworkPolicy, matchLabel",
        "network-policies.yaml, '      ports: [{port: 53, protocol: UDP}', '      ports: [{port: 53, protocl: UDP}', NetworkPolicy, protocl",
        // Kafka: Strimzi's classes keep unknown fields, its enums turn unknown values into null.
        "kafka.yaml, '    listeners:', '    listener:', Kafka, listener",
        "kafka.yaml, '        tls: true', '        tsl: true', Kafka, tsl",
        "kafka.yaml, '        tls: true', '        tls: \"true\"', Kafka, '\"true\"'",
        "kafka.yaml, '        type: internal', '        type: internl', Kafka, internl",
        "kafka.yaml, '        authentication: {type: scram-sha-512}', '        authentication: {type: scram-sha-521}', Kafka, scram-sha-521",
        "kafka.yaml, '    authorization: {type: simple}', '    authorisation: {type: simple}', Kafka, authorisation",
        "kafka.yaml, '    userOperator: {}', '    userOperater: {}', Kafka, userOperater",
        "kafka.yaml, '    topicOperator: {}', '    topicOperator: {additionalProperties: {}}', Kafka, additionalProperties",
        // KafkaNodePool
        "kafka.yaml, '  roles: [controller, broker]', '  roles: [controler, broker]', KafkaNodePool, controler",
        "kafka.yaml, '    deleteClaim: false', '    deleteclaim: false', KafkaNodePool, deleteclaim",
        "kafka.yaml, '    type: persistent-claim', '    type: persistent-clam', KafkaNodePool, persistent-clam",
        // KafkaTopic
        "topics.yaml, '  partitions: 12', '  partition: 12', KafkaTopic, partition",
        "topics.yaml, '  replicas: 3', '  replica: 3', KafkaTopic, replica",
        "topics.yaml, '  labels: {strimzi.io/cluster: tessera}', '  lables: {strimzi.io/cluster: tessera}', KafkaTopic, lables",
        // KafkaUser
        "kafka-users.yaml, '    acls:', '    acl:', KafkaUser, acl",
        "kafka-users.yaml, '  authentication: {type: scram-sha-512}', '  authentication: {type: scram-sha512}', KafkaUser, scram-sha512",
        "kafka-users.yaml, '        operations: [Write, Describe]', '        operations: [Wirte, Describe]', KafkaUser, Wirte",
        "kafka-users.yaml, '      - resource: {type: topic, name: clicks, patternType: literal}', '      - resource: {type: topic, name: clicks, patterntype: literal}', KafkaUser, patterntype",
        "kafka-users.yaml, '      - resource: {type: topic, name: clicks, patternType: literal}', '      - resource: {type: topic, name: clicks, patternType: literl}', KafkaUser, literl",
        "kafka-users.yaml, '      - resource: {type: topic, name: clicks,', '      - resource: {type: topik, name: clicks,', KafkaUser, topik",
    })
    void aMisspelledFieldOrValueIsRefusedNamingTheWord(
            String file, String line, String misspelled, String kind, String word)
            throws IOException {
        String manifests = Files.readString(K8S.resolve(file));
        Matcher lines = Pattern.compile("(?m)^" + Pattern.quote(line)).matcher(manifests);
        assertThat(lines.find()).as("%s has a line starting %s", file, line).isTrue();

        assertThatThrownBy(
                        () ->
                                StrictManifests.read(
                                        file,
                                        lines.replaceAll(Matcher.quoteReplacement(misspelled))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching(
                        "(?s)" + Pattern.quote(file) + ", document \\d+ \\(\\S+ " + kind + "\\b.*")
                .hasMessageMatching("(?s).*(?<!\\w)" + Pattern.quote(word) + "(?!\\w).*");
    }

    @Test
    void aFieldThatTheModelNamesOnlyToDropIsRefused() throws IOException {
        String topics = Files.readString(K8S.resolve("topics.yaml"));
        String kind = "kind: KafkaTopic\n";
        assertThat(topics).contains(kind);

        // CustomResource's plural, singular, crdName, ... say what the class is, not the resource.
        assertThatThrownBy(
                        () ->
                                StrictManifests.read(
                                        "topics.yaml",
                                        topics.replace(kind, kind + "plural: kafkatopics\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"plural\"");
    }

    @Test
    void aKeyTwiceInAMappingIsRefused() throws IOException {
        String manifests = Files.readString(K8S.resolve("services.yaml"));
        String audience = "  MP_JWT_VERIFY_AUDIENCES: tessera\n";
        assertThat(manifests).contains(audience);

        assertThatThrownBy(
                        () ->
                                StrictManifests.read(
                                        "services.yaml",
                                        manifests.replace(
                                                audience,
                                                audience + "  MP_JWT_VERIFY_AUDIENCES: other\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MP_JWT_VERIFY_AUDIENCES");
    }

    /** A new kind, a misspelled kind or another version of a kind: none has a model here. */
    @ParameterizedTest
    @CsvSource({
        "policy/v1, PodDisruptionBudget",
        "v1, Servise",
        "apps/v1beta2, Deployment",
        "kafka.strimzi.io/v1beta2, KafkaTopic",
    })
    void aDocumentOfAKindWithoutAModelIsRefused(String apiVersion, String kind) {
        String manifest =
                "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: tessera}\n";

        assertThatThrownBy(() -> StrictManifests.read("new.yaml", manifest))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new.yaml, document 1 (" + apiVersion + " " + kind)
                .hasMessageContaining("no model");
    }
}
