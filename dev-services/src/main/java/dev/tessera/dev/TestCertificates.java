package dev.tessera.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and localhost,
 * as PEM files made by {@code openssl} (present on Debian and most systems; no Java library here
 * makes certificates without an extra dependency).
 *
 * @param caCert the CA's certificate: what clients trust
 * @param serverCert the server's certificate
 * @param serverKey the server's private key, unencrypted
 * @param serverKeyStore the server's key and certificate in one PEM file, as Kafka's PEM key store
 *     takes them
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey, Path serverKeyStore) {

    private static final String DAYS = "7";

    /** Makes the CA and the server certificate in {@code dir} (created if missing). */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path caKey = dir.resolve("ca.key");
            Path ca = dir.resolve("ca.crt");
            Path key = dir.resolve("server.key");
            Path csr = dir.resolve("server.csr");
            Path cert = dir.resolve("server.crt");
            Path extensions = dir.resolve("server.ext");
            Files.writeString(
                    extensions,
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                            + "extendedKeyUsage=serverAuth,clientAuth\n");
            openssl(
                    dir,
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    DAYS,
                    "-subj",
                    "/CN=tessera-test-ca",
                    "-keyout",
                    caKey.toString(),
                    "-out",
                    ca.toString());
            openssl(
                    dir,
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-subj",
                    "/CN=localhost",
                    "-keyout",
                    key.toString(),
                    "-out",
                    csr.toString());
            openssl(
                    dir,
                    "x509",
                    "-req",
                    "-in",
                    csr.toString(),
                    "-CA",
                    ca.toString(),
                    "-CAkey",
                    caKey.toString(),
                    "-CAcreateserial",
                    "-days",
                    DAYS,
                    "-extfile",
                    extensions.toString(),
                    "-out",
                    cert.toString());
            Path keyStore = dir.resolve("server-keystore.pem");
            Files.writeString(keyStore, Files.readString(key) + Files.readString(cert));
            return new TestCertificates(ca, cert, key, keyStore);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make test certificates in " + dir, e);
        }
    }

    /** A client-side TLS context that trusts this CA only. */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(caCert)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + caCert, e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "openssl failed (is it installed?): " + command + "\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running openssl", e);
        }
    }
}
